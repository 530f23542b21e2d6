import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrowserContext, chromium } from 'playwright-core';
import { TestApp, startTestApp } from './support/test-app';

const CHROMIUM = '/usr/bin/chromium';

/** GraphiQL at /graphql on a machine with no internet: every request off this machine is blocked. */
describe('the IDE at /graphql, offline, in headless Chromium', () => {
  let t: TestApp | undefined;
  let browser: BrowserContext | undefined;
  let profile: string | undefined;
  let origin: string;
  const blocked: string[] = [];
  const served: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} not found: the IDE test needs a real browser (apt-get update && apt-get install -y chromium)`);
    }
    t = await startTestApp({ seed: true });
    origin = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
    profile = mkdtempSync(join(tmpdir(), 'ide-chromium-'));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
      viewport: { width: 1400, height: 900 },
    });
    // As without internet: only this machine answers. blob: and data: URLs (Monaco's workers) are not network requests.
    await browser.route('**/*', async (route) => {
      const url = new URL(route.request().url());
      if (['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
        served.push(url.href);
        await route.continue();
      } else {
        blocked.push(url.href);
        await route.abort('internetdisconnected');
      }
    });
  });

  afterAll(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await t?.close();
  });

  it('loads, runs its example query and shows the answer, with nothing fetched from elsewhere', async () => {
    const page = await browser!.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${origin}/graphql`);
    // The editor holds the default query once GraphiQL has rendered (and introspected the schema).
    await page.waitForSelector('.graphiql-execute-button', { timeout: 30_000 });
    await page.waitForFunction(() => document.querySelector('.graphiql-query-editor')?.textContent?.includes('threatActorByName'), null, {
      timeout: 30_000,
    });
    await page.click('.graphiql-execute-button');
    await page.waitForFunction(() => document.querySelector('.result-window')?.textContent?.includes('APT28'), null, { timeout: 30_000 });
    // Monaco draws spaces as U+00A0; the text is the JSON answer.
    const answer = ((await page.locator('.result-window').textContent()) ?? '').replace(/\u00a0/g, ' ');
    expect(JSON.parse(answer)).toEqual({
      data: {
        threatActorByName: {
          name: 'APT28',
          aliases: [{ name: 'APT28' }, { name: 'Fancy Bear' }],
          ancestors: [{ name: 'GRU' }, { name: 'Russian Federation' }],
        },
      },
    });
    expect(errors).toEqual([]);
    expect(blocked).toEqual([]);
    // The page and the query itself came from the API; the schema was introspected for the docs panel.
    expect(served).toContain(`${origin}/graphql`);
    await page.close();
  });

  it('is no longer the CDN page of @nestjs/apollo', async () => {
    const html = await (await fetch(`${origin}/graphql`, { headers: { accept: 'text/html' } })).text();
    expect(html).toContain('Attribution Tracker GraphiQL');
    expect(html).not.toMatch(/<script[^>]+src="https?:/);
    expect(html).not.toMatch(/<link[^>]+href="https?:/);
    expect(html).not.toContain('unpkg.com');
  });
});

describe('the IDE switched off (IDE_ENABLED=false)', () => {
  let t: TestApp | undefined;
  beforeAll(async () => {
    t = await startTestApp({ ideEnabled: false });
  });
  afterAll(async () => t?.close());

  it('serves no page at /graphql, and the API still answers', async () => {
    const origin = (await t!.app.getUrl()).replace('[::1]', '127.0.0.1');
    const response = await fetch(`${origin}/graphql`, { headers: { accept: 'text/html' } });
    expect(await response.text()).not.toContain('GraphiQL');
    expect(response.status).toBe(400);
    expect(await t!.data('{ __typename }')).toEqual({ __typename: 'Query' });
  });
});

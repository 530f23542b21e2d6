import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrowserContext, Page, chromium } from 'playwright-core';
import { TestApp, startTestApp } from './support/test-app';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(process.cwd(), 'test-artifacts');
const SCREENSHOT = join(ARTIFACTS, 'dashboard.png');
/** The README's copy; refreshed only on request (UPDATE_SCREENSHOT=1), so a test run leaves the tree clean. */
const README_SCREENSHOT = join(process.cwd(), 'docs', 'dashboard.png');

/** What a chart shows, as the page records it on its figure (and as Chart.js holds it). */
interface ChartView { labels: string[]; values: (number | null)[] }

/** The dashboard page at /dashboard, in a real headless Chromium, on the founding articles. */
describe('the dashboard page, in headless Chromium', () => {
  let t: TestApp | undefined;
  let browser: BrowserContext | undefined;
  let profile: string | undefined;
  let origin: string;
  const requested: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `${CHROMIUM} not found: the dashboard test needs a real browser. Install Debian's chromium package: ` +
          'apt-get update && apt-get install -y chromium',
      );
    }
    t = await startTestApp({ seed: true });
    origin = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
    profile = mkdtempSync(join(tmpdir(), 'dashboard-chromium-'));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
      viewport: { width: 1200, height: 1000 },
    });
    browser.on('request', (request) => requested.push(request.url()));
  });

  afterAll(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await t?.close();
  });

  /** Opens a page and waits until the dashboard has rendered (or failed); page errors fail the test. */
  async function open(path: string): Promise<Page> {
    const page = await browser!.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${origin}${path}`);
    await settled(page);
    expect(errors).toEqual([]);
    return page;
  }

  async function settled(page: Page): Promise<void> {
    await page.waitForSelector('body[data-state="ready"], body[data-state="error"]', { timeout: 15_000 });
  }

  /** A chart's data as recorded on its figure, checked against what Chart.js itself draws. */
  async function chart(page: Page, name: string): Promise<ChartView> {
    const recorded = await page.locator(`[data-chart="${name}"]`).evaluate((figure: HTMLElement) => ({
      labels: JSON.parse(figure.dataset.labels ?? 'null'),
      values: JSON.parse(figure.dataset.values ?? 'null'),
    }));
    const drawn = await page.evaluate((id) => {
      const instance = (window as any).Chart.getChart(id);
      return instance ? { labels: instance.data.labels, values: instance.data.datasets[0].data } : null;
    }, `chart-${name}`);
    expect(drawn).toEqual(recorded);
    return recorded;
  }

  const text = (page: Page, selector: string) => page.locator(selector).textContent();

  /** Non-blank pixels on a canvas: proof that Chromium actually painted the chart. */
  const paintedPixels = (page: Page, id: string) =>
    page.evaluate((canvasId) => {
      const canvas = document.getElementById(canvasId) as HTMLCanvasElement;
      const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = 0;
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
      return painted;
    }, id);

  it('renders the seeded numbers in every chart, reading only the GraphQL API', async () => {
    const page = await open('/dashboard');
    expect(await page.locator('body').getAttribute('data-state')).toBe('ready');
    expect(await text(page, '#status')).toBe('All incidents.');
    expect(await text(page, '#total')).toBe('3');
    expect(await text(page, '#attributed')).toBe('3');
    expect(await text(page, '#lag-median')).toBe('0');
    // Per year by default; 2018 and 2019 had none and are shown as 0.
    expect(await chart(page, 'timeline')).toEqual({ labels: ['2016', '2017', '2018', '2019', '2020'], values: [1, 1, 0, 0, 1] });
    expect(await chart(page, 'actors')).toEqual({ labels: ['Russian Federation', 'APT28', 'Russian intelligence'], values: [2, 1, 1] });
    expect(await chart(page, 'countries')).toEqual({ labels: ['France', 'Norway', 'United States of America'], values: [1, 1, 1] });
    expect(await chart(page, 'lag')).toEqual({
      labels: ['same day', '1–7 days', '8–30 days', '31–90 days', '91–180 days', '181–365 days', '1–2 years', 'over 2 years'],
      values: [1, 0, 0, 0, 0, 0, 0, 0],
    });
    expect(await page.locator('#lag-by-kind tbody tr').allTextContents()).toEqual(['government100–0', 'intelligence agency13838–38']);
    expect(await text(page, '#lag-note')).toBe('(1 measured; 2 without a day-precise start or a dated attribution)');
    for (const id of ['chart-timeline', 'chart-actors', 'chart-countries', 'chart-lag']) {
      expect(await paintedPixels(page, id)).toBeGreaterThan(500);
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(statSync(SCREENSHOT).size).toBeGreaterThan(10_000);
    if (process.env.UPDATE_SCREENSHOT === '1') {
      mkdirSync(join(process.cwd(), 'docs'), { recursive: true });
      copyFileSync(SCREENSHOT, README_SCREENSHOT);
    }
    // Everything came from the app itself: the page, Chart.js from node_modules, and POST /graphql.
    expect(requested.filter((url) => !url.startsWith(origin))).toEqual([]);
    expect(requested).toContain(`${origin}/dashboard/assets/chart.umd.min.js`);
    expect(requested).toContain(`${origin}/graphql`);
    await page.close();
  });

  it('filters by an actor alias, puts the view in the URL, and shows the same view on reload and back', async () => {
    const page = await open('/dashboard');
    await page.fill('input[name="actor"]', 'Fancy Bear');
    await page.click('button[type="submit"]');
    await page.waitForFunction(() => document.getElementById('status')!.textContent!.includes('APT28'));
    await settled(page);
    expect(new URL(page.url()).search).toBe('?actor=Fancy+Bear');
    const filtered = async () => {
      expect(await text(page, '#status')).toBe('Incidents attributed to APT28 (“Fancy Bear”).');
      expect(await page.inputValue('input[name="actor"]')).toBe('Fancy Bear');
      expect(await text(page, '#total')).toBe('1');
      expect(await chart(page, 'timeline')).toEqual({ labels: ['2020'], values: [1] });
      expect(await chart(page, 'actors')).toEqual({ labels: ['APT28', 'Russian Federation'], values: [1, 1] });
      expect(await chart(page, 'countries')).toEqual({ labels: ['Norway'], values: [1] });
      expect(await text(page, '#lag-note')).toBe('(1 measured; 0 without a day-precise start or a dated attribution)');
    };
    await filtered();
    await page.reload();
    await settled(page);
    await filtered();
    // Back to the unfiltered view, through the history the filter pushed.
    await page.goBack();
    await page.waitForFunction(() => document.getElementById('total')!.textContent === '3');
    expect(new URL(page.url()).search).toBe('');
    expect(await page.inputValue('input[name="actor"]')).toBe('');
    expect((await chart(page, 'actors')).values).toEqual([2, 1, 1]);
    await page.close();
  });

  it('opens a shared link with country, date range and interval, zero-filling the buckets', async () => {
    const page = await open('/dashboard?country=Norway&from=2020&to=2020&interval=QUARTER&rollUp=TOP');
    expect(await text(page, '#status')).toBe('Incidents targeting Norway, going on from 2020 to 2020.');
    expect(await page.inputValue('input[name="country"]')).toBe('Norway');
    expect(await page.inputValue('select[name="interval"]')).toBe('QUARTER');
    expect(await text(page, '#total')).toBe('1');
    expect(await chart(page, 'timeline')).toEqual({ labels: ['2020-Q1', '2020-Q2', '2020-Q3', '2020-Q4'], values: [0, 0, 1, 0] });
    // Rolled up to the top of the tree, Russia and APT28 are one actor: the incident counts once.
    expect(await chart(page, 'actors')).toEqual({ labels: ['Russian Federation'], values: [1] });
    // France by a month: its only incident is known to the year, so no bucket and a note saying so.
    await page.selectOption('select[name="interval"]', 'MONTH');
    await page.fill('input[name="country"]', 'France');
    await page.fill('input[name="from"]', '');
    await page.fill('input[name="to"]', '');
    await page.click('button[type="submit"]');
    await page.waitForFunction(() => document.getElementById('status')!.textContent!.includes('France'));
    await settled(page);
    expect(new URL(page.url()).search).toBe('?country=France&interval=MONTH&rollUp=TOP');
    expect(await chart(page, 'timeline')).toEqual({ labels: [], values: [] });
    expect(await text(page, '#timeline-note')).toBe('(not shown: 1 dated less precisely than a month)');
    await page.close();
  });

  it('says what is wrong with an unknown actor', async () => {
    const page = await open('/dashboard?actor=Cozy+Koala');
    expect(await page.locator('body').getAttribute('data-state')).toBe('error');
    expect(await text(page, '#status')).toBe('Could not load: ThreatActor "Cozy Koala" does not exist');
    await page.close();
  });

  it('leaves the GraphQL endpoint and GraphiQL working, and serves only its own assets', async () => {
    const graphiql = await fetch(`${origin}/graphql`, { headers: { accept: 'text/html' } });
    expect(graphiql.status).toBe(200);
    expect(await graphiql.text()).toContain('graphiql');
    expect(await t!.data(`{ incidentStats { total } }`)).toEqual({ incidentStats: { total: 3 } });
    const missing = await fetch(`${origin}/dashboard/assets/..%2F..%2Fpackage.json`);
    expect(missing.status).toBe(404);
    const script = await fetch(`${origin}/dashboard/assets/chart.umd.min.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    // With a trailing slash too, as a user may type it.
    const slashed = await fetch(`${origin}/dashboard/`);
    expect([slashed.status, slashed.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
  });
});

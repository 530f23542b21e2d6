import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { GraphQLSchema, buildSchema, parse, validate } from 'graphql';
import { ATTRIBUTION_COLUMNS, INCIDENT_COLUMNS, STATEMENT_COLUMNS } from '../src/export/export.service';

/**
 * The README and docs/ cannot drift from the project: every relative link resolves (file and
 * #anchor), every ```graphql example parses and validates against schema.graphql, the README
 * fits on a screen or two, and the CSV columns documented are the ones exported.
 */
const ROOT = process.cwd();
const README_LIMIT = 12 * 1024;

function markdownFiles(): string[] {
  const docs = existsSync(join(ROOT, 'docs'))
    ? readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join(ROOT, 'docs', f))
    : [];
  return [join(ROOT, 'README.md'), ...['SECURITY.md'].map((f) => join(ROOT, f)).filter(existsSync), ...docs];
}

/** The text outside fenced code blocks (links and headings inside examples are not links). */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[ \t]*$/gm, '');
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
export function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const [, heading] of prose(markdown).matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)) {
    const text = heading.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
    const base = text.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').trim().replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count ? `${base}-${count}` : base);
  }
  for (const [, id] of markdown.matchAll(/<a\s+(?:name|id)="([^"]+)"/g)) anchors.add(id);
  return anchors;
}

function linksOf(markdown: string): string[] {
  const text = prose(markdown).replace(/`[^`\n]*`/g, '');
  return [...text.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g), ...text.matchAll(/^\[[^\]]+\]:\s*(\S+)/gm)].map((m) => m[1]);
}

function graphqlBlocks(markdown: string): { line: number; source: string }[] {
  return [...markdown.matchAll(/^```graphql[ \t]*\n([\s\S]*?)^```[ \t]*$/gm)].map((m) => ({
    line: markdown.slice(0, m.index).split('\n').length + 1,
    source: m[1],
  }));
}

describe('README and docs/', () => {
  const files = markdownFiles();
  let schema: GraphQLSchema;

  beforeAll(() => {
    schema = buildSchema(readFileSync(join(ROOT, 'schema.graphql'), 'utf8'));
  });

  it('has a README of at most 12 KB that links into docs/', () => {
    const readme = readFileSync(join(ROOT, 'README.md'));
    expect(readme.length).toBeLessThanOrEqual(README_LIMIT);
    expect(linksOf(readme.toString('utf8')).filter((l) => l.startsWith('docs/')).length).toBeGreaterThan(5);
  });

  it('computes anchors as GitHub does', () => {
    const anchors = anchorsOf('# API conventions\n## Estimative words → confidence\n```sh\n# not a heading\n```\n### 1. Who? `Fancy Bear`!\n## Paging\n## Paging');
    expect([...anchors]).toEqual(['api-conventions', 'estimative-words--confidence', '1-who-fancy-bear', 'paging', 'paging-1']);
  });

  it('resolves every relative link, to a file and to an anchor in it', () => {
    const broken: string[] = [];
    for (const file of files) {
      const markdown = readFileSync(file, 'utf8');
      for (const link of linksOf(markdown)) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue; // https:, mailto: …: not ours to check offline
        const [path, anchor] = link.split('#', 2);
        const target = path ? resolve(dirname(file), decodeURIComponent(path)) : file;
        const where = `${relative(ROOT, file)}: ${link}`;
        if (!existsSync(target)) {
          broken.push(`${where} (no such file)`);
          continue;
        }
        if (anchor && !(statSync(target).isFile() && target.endsWith('.md') && anchorsOf(readFileSync(target, 'utf8')).has(anchor))) {
          broken.push(`${where} (no heading with that anchor)`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  it('has GraphQL examples that parse and validate against schema.graphql', () => {
    const problems: string[] = [];
    let examples = 0;
    for (const file of files) {
      for (const block of graphqlBlocks(readFileSync(file, 'utf8'))) {
        examples++;
        const where = `${relative(ROOT, file)}:${block.line}`;
        try {
          const errors = validate(schema, parse(block.source));
          problems.push(...errors.map((e) => `${where}: ${e.message}`));
        } catch (error) {
          problems.push(`${where}: ${(error as Error).message}`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(examples).toBeGreaterThan(10);
  });

  it('documents exactly the columns the CSV exports have, in their order', () => {
    const page = readFileSync(join(ROOT, 'docs', 'csv-export.md'), 'utf8');
    const documented = (heading: string) => {
      const section = page.split(/^## /m).find((s) => s.startsWith(heading));
      if (!section) throw new Error(`docs/csv-export.md has no "## ${heading}" section`);
      return [...section.matchAll(/^\| `([a-z_]+)` \|/gm)].map((m) => m[1]);
    };
    expect(documented('incidents.csv')).toEqual(INCIDENT_COLUMNS.map((c) => c.name));
    expect(documented('attributions.csv')).toEqual(ATTRIBUTION_COLUMNS.map((c) => c.name));
    expect(documented('statements.csv')).toEqual(STATEMENT_COLUMNS.map((c) => c.name));
  });
});

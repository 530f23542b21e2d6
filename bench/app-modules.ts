import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The application's own modules, loaded from the compiled build (dist/, `nest build`),
 * so that the benchmark runs exactly the code the API process runs. Typed from src/.
 */
export const PROJECT_ROOT = resolve(join(__dirname, '..'));
const DIST = join(PROJECT_ROOT, 'dist');

function load<T>(path: string): T {
  const file = join(DIST, `${path}.js`);
  if (!existsSync(file)) throw new Error(`${file} is missing: run "npm run build" first (npm run bench does)`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(file) as T;
}

export const app = () => load<typeof import('../src/app')>('src/app');
export const dataSourceOptions = () => load<typeof import('../src/database/data-source-options')>('src/database/data-source-options');
export const embeddedPostgres = () => load<typeof import('../src/database/embedded-postgres')>('src/database/embedded-postgres');
export const seed = () => load<typeof import('../src/seed/seed')>('src/seed/seed');
export const catalogueImport = () => load<typeof import('../src/catalogue/catalogue-import.service')>('src/catalogue/catalogue-import.service');
export const galaxySchema = () => load<typeof import('../src/catalogue/galaxy-schema')>('src/catalogue/galaxy-schema');
export const estimativeLanguage = () => load<typeof import('../src/attributions/estimative-language')>('src/attributions/estimative-language');

/** The API's entry point, started as a child process by the runner. */
export const MAIN_JS = join(DIST, 'src', 'main.js');
export const stixExport = () => load<typeof import('../src/stix/stix-export.service')>('src/stix/stix-export.service');
export const stixImport = () => load<typeof import('../src/stix/stix-import.service')>('src/stix/stix-import.service');
export const stixBundleWriter = () => load<typeof import('../src/stix/stix-bundle-writer')>('src/stix/stix-bundle-writer');

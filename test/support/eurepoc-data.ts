import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Where the shared reference data is: $SHARED_DATA_DIR, else ../shared/data beside the repository
 * (a clone with ../shared next to it, as CI has), else /work/shared/data (worktrees live one level deeper).
 */
export function sharedDataDir(): string {
  const candidates = [process.env.SHARED_DATA_DIR, resolve(process.cwd(), '../shared/data'), '/work/shared/data'].filter(Boolean) as string[];
  const found = candidates.find((dir) => existsSync(resolve(dir, 'eurepoc')));
  if (!found) throw new Error(`the shared reference data is not in any of ${candidates.join(', ')}: set SHARED_DATA_DIR`);
  return found;
}

export function eurepocDir(): string {
  return process.env.EUREPOC_DIR ?? resolve(sharedDataDir(), 'eurepoc');
}

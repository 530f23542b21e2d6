#!/usr/bin/env node
// `npm start` and friends: rebuild dist/ only when the sources changed since the last
// build, then run the compiled entry point IN THIS PROCESS. No `sh -c "build && node"`:
// npm forwards SIGTERM/SIGINT to this process, and it is the API itself, so its
// shutdown (requests, pool, embedded PostgreSQL) runs and nothing is left behind.
//   node scripts/launch.js build                 build if stale (the `prepare` script, run by npm install)
//   node scripts/launch.js rebuild               build even if fresh (`npm run build`)
//   node scripts/launch.js dist/src/main.js ...  build if stale, then run that file
'use strict';
const { createHash } = require('node:crypto');
const { existsSync, readFileSync, readdirSync, statSync, writeFileSync } = require('node:fs');
const { spawnSync } = require('node:child_process');
const { join, relative, resolve } = require('node:path');

const root = resolve(__dirname, '..');
const stampFile = join(root, 'dist', '.sources-hash');
const inputs = ['src', 'migrations', 'tsconfig.json', 'tsconfig.build.json', 'nest-cli.json', 'package.json'];

/** A hash of every input's path, size and modification time: cheap, and it sees deletions too. */
function sourcesHash() {
  const hash = createHash('sha256');
  const visit = (path) => {
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const name of readdirSync(path).sort()) visit(join(path, name));
    } else {
      hash.update(`${relative(root, path)}\0${stat.size}\0${stat.mtimeMs}\n`);
    }
  };
  for (const input of inputs) if (existsSync(join(root, input))) visit(join(root, input));
  return hash.digest('hex');
}

function buildIfStale(always) {
  if (!existsSync(join(root, 'src'))) return; // an install without sources (a Docker layer)
  const current = sourcesHash();
  if (!always && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === current) return;
  const started = Date.now();
  process.stderr.write(always ? 'Building dist/ …\n' : 'Sources changed since the last build: building dist/ …\n');
  let nest;
  try {
    nest = require.resolve('@nestjs/cli/bin/nest.js', { paths: [root] });
  } catch {
    // An install without dev dependencies (npm ci --omit=dev) cannot build; it runs what it has.
    if (existsSync(join(root, 'dist', 'src', 'main.js'))) return;
    process.stderr.write('dist/ is missing and the build tools are not installed: run npm install (with dev dependencies)\n');
    process.exit(1);
  }
  const result = spawnSync(process.execPath, [nest, 'build'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(`Build failed (${result.signal ?? `exit ${result.status}`}); fix the error above and start again\n`);
    process.exit(result.status || 1);
  }
  writeFileSync(stampFile, current);
  process.stderr.write(`Built in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

const [target, ...args] = process.argv.slice(2);
buildIfStale(target === 'rebuild');
if (target && target !== 'build' && target !== 'rebuild') {
  process.argv = [process.argv[0], resolve(root, target), ...args];
  require(resolve(root, target));
}

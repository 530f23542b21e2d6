'use strict';
/**
 * PostGraphile 4 over the benchmark's database, for the comparison of issue 11 §6: its own
 * process (as ours runs in its own), on loopback, read-only (no mutations in the schema and
 * every transaction read-only), with the same connection pool size as the API (10).
 * Usage: node bench/postgraphile-server.js <database url> <port>
 */
const http = require('node:http');
const Module = require('node:module');
const { dirname } = require('node:path');

// PostGraphile 4 needs graphql 15 (the app uses 16) and npm leaves more than one copy of 15
// in its subtree; graphql-js refuses types from "another realm", so in this process every
// require('graphql…') goes to PostGraphile's own copy.
const graphqlRoot = dirname(require.resolve('graphql/package.json', { paths: [dirname(require.resolve('postgraphile/package.json'))] }));
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  if (request === 'graphql' || request.startsWith('graphql/')) {
    return resolveFilename.call(this, graphqlRoot + request.slice('graphql'.length), parent, ...rest);
  }
  return resolveFilename.call(this, request, parent, ...rest);
};
const { Pool } = require('pg');
const { postgraphile } = require('postgraphile');

const [databaseUrl, port] = process.argv.slice(2);
const pool = new Pool({ connectionString: databaseUrl, max: 10, options: '-c default_transaction_read_only=on' });

const middleware = postgraphile(pool, 'public', {
  disableDefaultMutations: true,
  ignoreRBAC: true,
  dynamicJson: true,
  setofFunctionsContainNulls: false,
  disableQueryLog: true,
  graphiql: false,
  enableQueryBatching: false,
  retryOnInitFail: false,
  // The incident and attribution lists of the questions put undated rows last, as ours do.
  graphileBuildOptions: { orderByNullsLast: true },
});

http.createServer(middleware).listen(Number(port), '127.0.0.1', () => {
  process.stdout.write(`postgraphile listening on ${port}\n`);
});
process.on('SIGTERM', () => pool.end().finally(() => process.exit(0)));

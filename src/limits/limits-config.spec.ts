import { ConfigError } from '../config/app-config';
import { loadLimitsConfig } from './limits-config';

describe('limits configuration', () => {
  it('has defaults that the dashboard and the test suite run under', () => {
    expect(loadLimitsConfig({})).toEqual({
      maxDepth: 12,
      maxAliases: 30,
      maxTokens: 3000,
      maxCost: 1_000_000,
      costListSize: 10,
      maxMutations: 10,
      requestTimeoutMs: 15_000,
      statementTimeoutMs: 10_000,
      exportTimeoutMs: 600_000,
      bodyLimitBytes: 1024 * 1024,
      corsOrigins: [],
      introspection: true,
    });
  });

  it('reads every limit from its variable', () => {
    expect(loadLimitsConfig({
      MAX_DEPTH: '8', MAX_ALIASES: '5', MAX_TOKENS: '500', MAX_COST: '1000', COST_LIST_SIZE: '20', MAX_MUTATIONS: '1',
      REQUEST_TIMEOUT_MS: '0', STATEMENT_TIMEOUT_MS: '2500', EXPORT_TIMEOUT_MS: '0', BODY_LIMIT: '2mb', INTROSPECTION: 'false',
      CORS_ORIGINS: 'https://tracker.example.org, http://localhost:5173/',
    })).toEqual({
      maxDepth: 8, maxAliases: 5, maxTokens: 500, maxCost: 1000, costListSize: 20, maxMutations: 1,
      requestTimeoutMs: 0, statementTimeoutMs: 2500, exportTimeoutMs: 0, bodyLimitBytes: 2 * 1024 * 1024, introspection: false,
      corsOrigins: ['https://tracker.example.org', 'http://localhost:5173'],
    });
    expect(loadLimitsConfig({ BODY_LIMIT: '500kb' }).bodyLimitBytes).toBe(500 * 1024);
    expect(loadLimitsConfig({ BODY_LIMIT: '65536' }).bodyLimitBytes).toBe(65536);
  });

  it.each([
    [{ MAX_DEPTH: '1' }, 'MAX_DEPTH must be a whole number from 2 to 1000, got "1"'],
    [{ BODY_LIMIT: 'a lot' }, 'BODY_LIMIT must be a size from 1kb to 100mb'],
    [{ BODY_LIMIT: '1gb' }, 'BODY_LIMIT must be a size from 1kb to 100mb'],
    [{ CORS_ORIGINS: '*' }, 'CORS_ORIGINS must list origins such as https://tracker.example.org, got "*"'],
    [{ CORS_ORIGINS: 'https://tracker.example.org/graphql' }, 'CORS_ORIGINS must list origins (scheme://host[:port], no path)'],
    [{ INTROSPECTION: 'sometimes' }, 'INTROSPECTION must be true or false, got "sometimes"'],
  ])('rejects %j with one clear line', (env, message) => {
    expect(() => loadLimitsConfig(env)).toThrow(ConfigError);
    expect(() => loadLimitsConfig(env)).toThrow(message);
  });
});

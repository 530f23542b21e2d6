import { ConfigError, loadConfig } from './app-config';

describe('configuration, validated at start-up', () => {
  it('defaults to the embedded PostgreSQL, port 3000, seeding on', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3000, databaseUrl: null, seedOnStart: true, exposeErrors: false });
    expect(config.embeddedPostgres.port).toBe(54329);
    expect(config.embeddedPostgres.dataDir).toMatch(/\.data\/postgres$/);
  });

  it('shuts down within 8 s by default and logs at info; both can be set', () => {
    expect(loadConfig({})).toMatchObject({ shutdownGraceMs: 8_000, logLevel: 'info' });
    expect(loadConfig({ SHUTDOWN_GRACE_MS: '20000', LOG_LEVEL: 'WARN' })).toMatchObject({ shutdownGraceMs: 20_000, logLevel: 'warn' });
  });

  it('uses DATABASE_URL and then does not seed unless asked', () => {
    const url = 'postgres://postgres@127.0.0.1:5432/attribution';
    expect(loadConfig({ DATABASE_URL: url })).toMatchObject({ databaseUrl: url, seedOnStart: false });
    expect(loadConfig({ DATABASE_URL: url, SEED_ON_START: 'true' }).seedOnStart).toBe(true);
  });

  it('serves the IDE unless IDE_ENABLED says no', () => {
    expect(loadConfig({}).ideEnabled).toBe(true);
    expect(loadConfig({ IDE_ENABLED: 'false' }).ideEnabled).toBe(false);
    expect(loadConfig({ IDE_ENABLED: '0' }).ideEnabled).toBe(false);
  });

  it.each([
    [{ IDE_ENABLED: 'off' }, 'IDE_ENABLED must be true or false, got "off"'],
    [{ DATABASE_URL: 'postgres://localhost' }, 'DATABASE_URL names no database'],
    [{ PORT: '70000' }, 'PORT must be a whole number from 0 to 65535, got "70000"'],
    [{ SEED_ON_START: 'maybe' }, 'SEED_ON_START must be true or false, got "maybe"'],
    [{ EMBEDDED_PG_PORT: '80' }, 'EMBEDDED_PG_PORT must be a whole number from 1024 to 65535, got "80"'],
    [{ SHUTDOWN_GRACE_MS: '-1' }, 'SHUTDOWN_GRACE_MS must be a whole number from 0 to 600000, got "-1"'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"'],
  ])('rejects %j with one clear line', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});

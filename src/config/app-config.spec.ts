import { ConfigError, loadConfig } from './app-config';

describe('configuration, validated at start-up', () => {
  it('defaults to the embedded PostgreSQL, port 3000, seeding on', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3000, databaseUrl: null, seedOnStart: true, exposeErrors: false });
    expect(config.embeddedPostgres.port).toBe(54329);
    expect(config.embeddedPostgres.dataDir).toMatch(/\.data\/postgres$/);
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
  ])('rejects %j with one clear line', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});

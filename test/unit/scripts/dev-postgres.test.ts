import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../../src/config-error';
import { devDatabaseUrl, devPostgresPort } from '../../../scripts/lib/dev-postgres';

describe("npm start's PostgreSQL port (DEV_POSTGRES_PORT)", () => {
  it("is 5434 by default, beside a packaged server's 5432 and the cluster's 5433", () => {
    expect(devPostgresPort({})).toBe(5434);
    expect(devPostgresPort({ DEV_POSTGRES_PORT: ' ' })).toBe(5434);
  });

  it('takes a port of your choice', () => {
    expect(devPostgresPort({ DEV_POSTGRES_PORT: '15432' })).toBe(15432);
  });

  it.each(['0', '70000', 'postgres', '54.3'])('refuses %s, naming the variable', (value) => {
    expect(() => devPostgresPort({ DEV_POSTGRES_PORT: value })).toThrow(ConfigError);
    expect(() => devPostgresPort({ DEV_POSTGRES_PORT: value })).toThrow(/DEV_POSTGRES_PORT: expected a port/);
  });
});

describe("npm start's DATABASE_URL for tools run beside it", () => {
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'ekyc-dev-postgres-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it("is the ekyc role's URL on the port, from the password in the data folder", () => {
    writeFileSync(join(dataDir, 'postgres-secrets.json'), JSON.stringify({ superuser: 'su-pass', ekyc: 'a/b+c' }));
    expect(devDatabaseUrl(dataDir, 15434)).toBe('postgres://ekyc:a%2Fb%2Bc@127.0.0.1:15434/ekyc');
  });

  it('is unknown where npm start never ran', () => {
    expect(devDatabaseUrl(dataDir, 15434)).toBeUndefined();
  });
});

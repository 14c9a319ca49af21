import { ConfigError } from '../../../src/config-error';
import { devPostgresPort } from '../../../scripts/lib/dev-postgres';

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

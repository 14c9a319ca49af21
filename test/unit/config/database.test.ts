import { ConfigError } from '../../../src/config-error';
import { gatewayConfig } from '../../../src/config/gateway';
import { workerConfig } from '../../../src/config/worker';
import { describeDatabaseUrl } from '../../../src/db/database-url';

const url = 'postgres://ekyc:s3cret-pw@127.0.0.1:5434/ekyc';

describe('database configuration (DATABASE_URL)', () => {
  it('is optional: unset, the gateway and the worker run without a database', () => {
    expect(gatewayConfig({}).database).toBeUndefined();
    expect(workerConfig({}).database).toBeUndefined();
    expect(workerConfig({ DATABASE_URL: '  ' }).database).toBeUndefined();
  });

  it('hands both processes a postgres:// or postgresql:// URL', () => {
    expect(gatewayConfig({ DATABASE_URL: url }).database).toEqual({ url });
    const other = 'postgresql://ekyc@db.internal/ekyc?sslmode=require';
    expect(workerConfig({ DATABASE_URL: other }).database).toEqual({ url: other });
  });

  it.each([
    ['another scheme', 'mysql://ekyc:s3cret-pw@127.0.0.1/ekyc', /postgres:\/\/ or postgresql:\/\//],
    ['no database name', 'postgres://ekyc:s3cret-pw@127.0.0.1:5434/', /names no database/],
    ['no URL at all', 's3cret-pw', /expected a postgres:/],
  ])('refuses %s, naming the variable and never the password', (_case, value, problem) => {
    for (const read of [gatewayConfig, workerConfig]) {
      let error: unknown;
      try {
        read({ DATABASE_URL: value });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(/DATABASE_URL: /);
      expect((error as Error).message).toMatch(problem);
      expect((error as Error).message).not.toContain('s3cret-pw');
    }
  });

  it('is shown without its password', () => {
    expect(describeDatabaseUrl(`${url}?application_name=x`)).toBe('postgres://ekyc@127.0.0.1:5434/ekyc');
  });
});

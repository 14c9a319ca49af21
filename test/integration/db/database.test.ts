import { freePorts } from '../../../scripts/lib/free-port';
import { DatabaseQueryError, DatabaseUnavailableError, openDatabase } from '../../../src/db/database';
import { DatabaseNewerThanCodeError, MIGRATIONS, migrate } from '../../../src/db/migrations';
import { DatabaseStartupError, openMigratedDatabase } from '../../../src/db/startup';
import { createLogger } from '../../../src/logging';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';

const quiet = createLogger({ component: 'database', level: 'silent' });

/** A row of `policy_versions` with only what its columns require. */
const draft = (version: number) =>
  [
    'INSERT INTO policy_versions (version, sha256, document, state, created_by) VALUES ($1, $2, $3, $4, $5)',
    [version, 'a'.repeat(64), JSON.stringify({ format: 1 }), 'draft', 'ops-1'],
  ] as const;

describe('the database on a real PostgreSQL', () => {
  const made: TestDatabase[] = [];
  const fresh = async (options?: { migrated: boolean }) => {
    const db = await createTestDatabase(options);
    made.push(db);
    return db;
  };
  afterAll(async () => {
    await Promise.all(made.map((db) => db.drop()));
  });

  it('migrates a fresh database once: the tables exist, and a second migrate applies nothing', async () => {
    const { database } = await fresh({ migrated: false });
    expect(await migrate(database)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(await migrate(database)).toEqual([]);
    const tables = await database.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
    );
    expect(tables.map((t) => t.table_name)).toEqual(['decision_records', 'policy_versions', 'schema_migrations']);
    const recorded = await database.query<{ version: number; name: string }>(
      'SELECT version, name FROM schema_migrations',
    );
    expect(recorded).toEqual(MIGRATIONS.map(({ version, name }) => ({ version, name })));
  });

  it('lets two processes migrate at once: both succeed and each step is applied once', async () => {
    const { url, database } = await fresh({ migrated: false });
    const other = openDatabase({ url }, quiet);
    try {
      const applied = await Promise.all([migrate(database), migrate(other)]);
      expect(applied.flat().sort()).toEqual(MIGRATIONS.map((m) => m.version));
      expect(applied.some((versions) => versions.length === 0)).toBe(true);
      const [count] = await database.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
      expect(count?.n).toBe(MIGRATIONS.length);
    } finally {
      await other.close();
    }
  });

  it('refuses a database migrated by a newer release, and a process stops on it naming the database, not the password', async () => {
    const { url, database } = await fresh();
    await database.query(`INSERT INTO schema_migrations (version, name) VALUES (99, 'from the future')`);
    await expect(migrate(database)).rejects.toThrow(DatabaseNewerThanCodeError);
    const password = new URL(url).password;
    const startup = openMigratedDatabase({ url }, quiet);
    await expect(startup).rejects.toThrow(DatabaseStartupError);
    const message = await startup.catch((error: Error) => error.message);
    expect(message).toMatch(/schema migration 99, which this release does not know/);
    expect(message).toContain(`@${new URL(url).host}/`);
    expect(message).not.toContain(password);
  });

  it('commits a transaction that resolves and rolls back one that throws', async () => {
    const { database } = await fresh();
    const [insert, params] = draft(1);
    await database.transaction((tx) => tx.query(insert, params));
    const failure = new Error('changed my mind');
    await expect(
      database.transaction(async (tx) => {
        const [second, secondParams] = draft(2);
        await tx.query(second, secondParams);
        throw failure;
      }),
    ).rejects.toBe(failure);
    const rows = await database.query<{ version: number }>('SELECT version FROM policy_versions ORDER BY version');
    expect(rows).toEqual([{ version: 1 }]);
  });

  it('reports a refused statement as a DatabaseQueryError with its SQLSTATE and constraint, without the values', async () => {
    const { database } = await fresh();
    const [insert, params] = draft(7);
    await database.query(insert, params);
    const error = await database.query(insert, params).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DatabaseQueryError);
    expect(error).not.toBeInstanceOf(DatabaseUnavailableError);
    expect(error).toMatchObject({ code: '23505', constraint: 'policy_versions_pkey' });
    expect((error as Error).message).not.toContain('(7)');
  });

  it('reports an unreachable database, and a refused login, as DatabaseUnavailableError', async () => {
    const [port] = await freePorts(1);
    const nobody = openDatabase({ url: `postgres://ekyc:not-used@127.0.0.1:${port}/ekyc` }, quiet);
    try {
      await expect(nobody.query('SELECT 1')).rejects.toThrow(DatabaseUnavailableError);
      await expect(nobody.transaction(() => Promise.resolve())).rejects.toThrow(DatabaseUnavailableError);
    } finally {
      await nobody.close();
    }
    const { url } = await fresh();
    const wrong = new URL(url);
    wrong.password = 'wrong-password';
    const refused = openDatabase({ url: wrong.toString() }, quiet);
    try {
      await expect(refused.query('SELECT 1')).rejects.toThrow(DatabaseUnavailableError);
    } finally {
      await refused.close();
    }
  });
});

import {
  checkMigrations,
  DatabaseNewerThanCodeError,
  MIGRATIONS,
  MigrationListError,
  pendingMigrations,
  type Migration,
} from '../../../src/db/migrations';

const step = (version: number, name = `step ${version}`): Migration => ({ version, name, sql: 'SELECT 1' });

describe('the migration list', () => {
  it("the code's own list runs 1, 2, 3, … with a name and SQL each", () => {
    expect(() => checkMigrations(MIGRATIONS)).not.toThrow();
    expect(MIGRATIONS[0]?.sql).toContain('CREATE TABLE policy_versions');
    expect(MIGRATIONS[0]?.sql).toContain('CREATE TABLE decision_records');
  });

  it('refuses a gap, a repeat, a list out of order, or a step without a name or SQL', () => {
    expect(() => checkMigrations([step(1), step(3)])).toThrow(MigrationListError);
    expect(() => checkMigrations([step(1), step(1)])).toThrow(MigrationListError);
    expect(() => checkMigrations([step(2), step(1)])).toThrow(MigrationListError);
    expect(() => checkMigrations([step(1, ' ')])).toThrow(/needs a name and SQL/);
    expect(() => checkMigrations([{ version: 1, name: 'empty', sql: '\n' }])).toThrow(/needs a name and SQL/);
  });
});

describe('pending migrations', () => {
  const known = [step(1), step(2), step(3)];

  it('are every step on a fresh database, in order', () => {
    expect(pendingMigrations([], known).map((m) => m.version)).toEqual([1, 2, 3]);
  });

  it('are the steps not yet applied, and none once all are', () => {
    expect(pendingMigrations([1], known).map((m) => m.version)).toEqual([2, 3]);
    expect(pendingMigrations([1, 2, 3], known)).toEqual([]);
  });

  it('refuse a database that holds a version the code does not know, naming it', () => {
    expect(() => pendingMigrations([1, 2, 3, 4], known)).toThrow(DatabaseNewerThanCodeError);
    expect(() => pendingMigrations([1, 2, 3, 4], known)).toThrow(/migration 4, which this release does not know/);
  });
});

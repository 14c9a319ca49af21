import type { Database, Queryable } from './database';

/** One step of the schema: applied once, in order of `version`, and never edited once released. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The schema's steps, oldest first. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'policy versions and decision records',
    sql: `
CREATE TABLE policy_versions (
  version integer PRIMARY KEY,
  sha256 text NOT NULL,
  document jsonb NOT NULL,
  state text NOT NULL CHECK (state IN ('draft', 'published', 'retired')),
  is_current boolean NOT NULL DEFAULT false,
  is_shadow boolean NOT NULL DEFAULT false,
  note text,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by text NOT NULL,
  publish_requested_at timestamptz,
  publish_requested_by text,
  publish_requested_shadow boolean,
  published_at timestamptz,
  published_by text,
  approved_by text,
  retired_at timestamptz,
  retired_by text,
  CHECK (NOT (is_current AND is_shadow)),
  CHECK (state = 'published' OR NOT (is_current OR is_shadow))
);
CREATE UNIQUE INDEX policy_versions_one_current ON policy_versions ((true)) WHERE is_current;
CREATE UNIQUE INDEX policy_versions_one_shadow ON policy_versions ((true)) WHERE is_shadow;

CREATE TABLE decision_records (
  id bigserial PRIMARY KEY,
  journey_id text UNIQUE,
  reference text,
  flow text NOT NULL,
  region text NOT NULL,
  policy_version integer,
  policy_sha256 text,
  policy_overridden boolean NOT NULL DEFAULT false,
  ending text NOT NULL CHECK (ending IN ('decided', 'expired', 'cancelled', 'failed')),
  outcome text NOT NULL,
  policy_decision text,
  reasons text[] NOT NULL,
  inputs jsonb,
  shadow_version integer,
  shadow_decision text,
  shadow_reasons text[],
  stages jsonb NOT NULL,
  started_at timestamptz NOT NULL,
  ended_at timestamptz NOT NULL,
  erased_at timestamptz
);
CREATE INDEX decision_records_ended_at ON decision_records (ended_at, id);
`,
  },
  {
    version: 2,
    name: 'policy retirement under four-eyes',
    // A retirement waits for a second identity as a publication does, and names who approved it.
    sql: `
ALTER TABLE policy_versions
  ADD COLUMN retire_requested_at timestamptz,
  ADD COLUMN retire_requested_by text,
  ADD COLUMN retire_approved_by text;
`,
  },
];

/** The code's migrations are malformed (a gap, a repeat, a missing name): a bug, caught by the unit tests. */
export class MigrationListError extends Error {
  override readonly name = 'MigrationListError';
}

/** The database holds migrations this code does not know: it was migrated by a newer release. */
export class DatabaseNewerThanCodeError extends Error {
  override readonly name = 'DatabaseNewerThanCodeError';
}

/** Refuses a migration list whose versions do not run 1, 2, 3, … or whose steps lack a name or SQL. */
export function checkMigrations(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new MigrationListError(
        `migration ${index + 1} is numbered ${migration.version}: versions run 1, 2, 3, … in order`,
      );
    }
    if (!migration.name.trim() || !migration.sql.trim()) {
      throw new MigrationListError(`migration ${migration.version} needs a name and SQL`);
    }
  });
}

/**
 * The migrations still to apply, given the versions a database has applied; a version the code does not know means a
 * newer release migrated the database, and this code must not run on it.
 */
export function pendingMigrations(applied: readonly number[], migrations: readonly Migration[]): Migration[] {
  const known = new Set(migrations.map((migration) => migration.version));
  const unknown = applied.filter((version) => !known.has(version)).sort((a, b) => a - b);
  if (unknown.length > 0) {
    throw new DatabaseNewerThanCodeError(
      `the database has schema migration ${unknown.join(', ')}, which this release does not know (it knows up to ` +
        `${migrations.length}): it was migrated by a newer release; run that release or a newer one`,
    );
  }
  const done = new Set(applied);
  return migrations.filter((migration) => !done.has(migration.version));
}

// Any fixed number the service owns ("ekyc" in ASCII): every process that migrates takes the same lock.
const MIGRATION_LOCK_KEY = 0x656b7963;

/**
 * Brings the database's schema up to the code's, at start-up: in one transaction that holds a transaction-level
 * advisory lock, so a gateway and workers starting together apply each migration once and the others find it done.
 * Returns the versions it applied (none when the schema was current).
 */
export async function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  checkMigrations(migrations);
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const pending = pendingMigrations(await appliedVersions(tx), migrations);
    for (const migration of pending) {
      await tx.query(migration.sql);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
    }
    return pending.map((migration) => migration.version);
  });
}

/** The versions recorded in `schema_migrations`. */
async function appliedVersions(tx: Queryable): Promise<number[]> {
  const rows = await tx.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
  return rows.map((row) => row.version);
}

import pg from 'pg';
import { createLogger, type Logger } from '../logging';

/** Where a process's database is and how much of it the process may take. */
export interface DatabaseSettings {
  /** `postgres://user:password@host:port/database`. */
  url: string;
  /** Connections the pool keeps at most (default 4). */
  maxConnections?: number;
  /** Shown in `pg_stat_activity`, so an operator sees which process holds a connection. */
  applicationName?: string;
}

/** What runs SQL: the database itself, or one transaction's connection. */
export interface Queryable {
  /** Runs one statement with `$1`-style parameters and returns its rows. */
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<R[]>;
}

/** A pool of connections to PostgreSQL, the database the policy versions and decision records live in. */
export interface Database extends Queryable {
  /** Runs `fn` in one transaction on one connection: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Closes every connection; queries after this fail. */
  close(): Promise<void>;
}

/** The database could not be reached (refused, unknown host, timed out, shut down, refused our login): not the SQL. */
export class DatabaseUnavailableError extends Error {
  override readonly name = 'DatabaseUnavailableError';
}

/**
 * PostgreSQL refused a statement. Carries the SQLSTATE `code` (e.g. `23505` for a unique violation) and the constraint,
 * but not PostgreSQL's `detail`, which quotes the values (references among them).
 */
export class DatabaseQueryError extends Error {
  override readonly name = 'DatabaseQueryError';
  constructor(
    message: string,
    readonly code: string,
    readonly constraint: string | undefined,
  ) {
    super(message);
  }
}

const DEFAULT_MAX_CONNECTIONS = 4;
// Every statement here is a small read or write, or a back-test's scan bounded by its period: one still running after
// 30 s is stuck, and holds a connection of a small pool.
const STATEMENT_TIMEOUT_MS = 30_000;
const CONNECT_TIMEOUT_MS = 10_000;

/** Socket errors of a connection that never opened or broke. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH']);
/** pg's own words for a connection that timed out or ended under it. */
const CONNECTION_MESSAGES = /timeout exceeded when trying to connect|Connection terminated|connection timeout/i;

/**
 * Whether an error means the database was not there to ask: a socket error, pg's connection timeouts, or a SQLSTATE
 * of class 08 (connection), 28 (login refused), 3D000 (no such database), 57P01-57P03 (shutting down, starting) or
 * 53300 (too many connections).
 */
function isConnectionFailure(error: unknown): boolean {
  // Duck-typed: errors from Node's sockets may come from another realm (a test runner's), where `instanceof` fails.
  if (typeof error !== 'object' || error === null) return false;
  const { code, message, errors } = error as { code?: unknown; message?: unknown; errors?: unknown };
  if (Array.isArray(errors) && errors.some(isConnectionFailure)) return true;
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code)) return true;
    if (/^(08|28)/.test(code) || /^57P0[123]$/.test(code) || code === '3D000' || code === '53300') return true;
  }
  return typeof message === 'string' && CONNECTION_MESSAGES.test(message);
}

/** The typed error for what pg threw, without the values a statement carried. */
function databaseError(error: unknown): Error {
  if (error instanceof DatabaseUnavailableError || error instanceof DatabaseQueryError) return error;
  if (isConnectionFailure(error)) {
    const message = (error as { message?: unknown }).message;
    const reason = typeof message === 'string' && message ? message : 'connection failed';
    return new DatabaseUnavailableError(`database unavailable: ${reason}`, { cause: error });
  }
  if (error instanceof pg.DatabaseError) {
    return new DatabaseQueryError(error.message, error.code ?? 'unknown', error.constraint);
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** Runs one statement on a pool or a client, with the errors typed. */
async function runQuery<R>(on: pg.Pool | pg.PoolClient, sql: string, params?: readonly unknown[]): Promise<R[]> {
  try {
    const result = await on.query(sql, params ? [...params] : undefined);
    return result.rows as R[];
  } catch (error) {
    throw databaseError(error);
  }
}

/**
 * Opens a small pool to the database at `settings.url`; connections open on first use, so an unreachable database shows
 * on the first query as a {@link DatabaseUnavailableError}. Errors of idle connections are logged, never thrown (a
 * restarted server costs the pool those connections, not the process). Parameters are never logged.
 */
export function openDatabase(
  settings: DatabaseSettings,
  log: Logger = createLogger({ component: 'database', level: 'info' }),
): Database {
  const pool = new pg.Pool({
    connectionString: settings.url,
    max: settings.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
    application_name: settings.applicationName ?? 'ekyc-journeys',
    statement_timeout: STATEMENT_TIMEOUT_MS,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    idleTimeoutMillis: 30_000,
  });
  pool.on('error', (error: Error & { code?: string }) => {
    log.warn({ code: error.code, reason: error.message }, 'an idle database connection failed; the pool replaces it');
  });
  return {
    query: (sql, params) => runQuery(pool, sql, params),
    async transaction(fn) {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw databaseError(error);
      }
      let broken: Error | undefined;
      try {
        await runQuery(client, 'BEGIN');
        const tx: Queryable = { query: (sql, params) => runQuery(client, sql, params) };
        const value = await fn(tx);
        await runQuery(client, 'COMMIT');
        return value;
      } catch (error) {
        // A connection whose rollback failed is in an unknown state: it leaves the pool rather than serve again.
        await runQuery(client, 'ROLLBACK').catch((rollbackError: unknown) => {
          broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        });
        throw error;
      } finally {
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}

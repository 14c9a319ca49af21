import type { Logger } from '../logging';
import { openDatabase, type Database, type DatabaseSettings } from './database';
import { describeDatabaseUrl } from './database-url';
import { migrate } from './migrations';

/** The database a process needs could not be opened or migrated at start-up; the message says which and why. */
export class DatabaseStartupError extends Error {
  override readonly name = 'DatabaseStartupError';
}

/**
 * Opens the database and brings its schema up to the code's before the process takes work, so a database that is
 * down, refuses the login or was migrated by a newer release stops the process at start-up rather than its first
 * journey. The message names the database without its password.
 */
export async function openMigratedDatabase(settings: DatabaseSettings, log: Logger): Promise<Database> {
  const where = describeDatabaseUrl(settings.url);
  const database = openDatabase(settings, log);
  try {
    const applied = await migrate(database);
    log.info({ database: where, migrationsApplied: applied }, 'database ready');
    return database;
  } catch (error) {
    await database.close().catch(() => undefined);
    const reason = error instanceof Error ? error.message : String(error);
    throw new DatabaseStartupError(`DATABASE_URL (${where}): ${reason}`, { cause: error });
  }
}

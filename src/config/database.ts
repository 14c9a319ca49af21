import { z } from 'zod';
import { DatabaseUrlError, parseDatabaseUrl } from '../db/database-url';
import { optionalText, parsedAs } from './env';

/** The database variable the gateway and the worker share (docs/operations.md, "Database"). */
export const databaseEnv = z.object({
  // postgres://user:password@host:port/database; unset, the process runs without the policy and decision database.
  DATABASE_URL: optionalText,
});

/** The database to open, or undefined when `DATABASE_URL` is unset; a malformed URL stops start-up naming the variable. */
export function databaseSettings(e: z.infer<typeof databaseEnv>): { url: string } | undefined {
  const url = e.DATABASE_URL;
  if (url === undefined) return undefined;
  parsedAs('DATABASE_URL', () => parseDatabaseUrl(url), DatabaseUrlError);
  return { url };
}

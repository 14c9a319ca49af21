/** A `DATABASE_URL` that is not a PostgreSQL connection URL. */
export class DatabaseUrlError extends Error {
  override readonly name = 'DatabaseUrlError';
}

/**
 * Checks a PostgreSQL connection URL (`postgres://` or `postgresql://`, a host and a database name); the error never
 * repeats the URL, which may hold a password.
 */
export function parseDatabaseUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new DatabaseUrlError('expected a postgres://user:password@host:port/database URL');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new DatabaseUrlError('expected a postgres:// or postgresql:// URL');
  }
  if (!url.hostname) throw new DatabaseUrlError('names no host');
  if (url.pathname.replace(/^\//, '') === '') throw new DatabaseUrlError('names no database (…/<database>)');
  return url;
}

/** The URL without its password (and query), for logs and banners. */
export function describeDatabaseUrl(value: string): string {
  const url = parseDatabaseUrl(value);
  const user = url.username ? `${url.username}@` : '';
  return `${url.protocol}//${user}${url.host}${url.pathname}`;
}

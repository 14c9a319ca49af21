import type { TestServers } from './global-setup';

/** Stops the shared dev server and PostgreSQL started by global-setup. */
export default async function globalTeardown(): Promise<void> {
  const servers = (globalThis as { ekycTestServers?: TestServers }).ekycTestServers;
  await Promise.all([servers?.temporal.teardown(), servers?.postgres.stop()]);
}

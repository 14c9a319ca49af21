import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initPostgres, postgresChild, postgresUrl } from '../../scripts/cluster/postgres';
import { freePorts } from '../../scripts/lib/free-port';
import { Supervisor } from '../../scripts/lib/supervisor';

/** A running throwaway PostgreSQL 15: its superuser's URL, and how to stop it and remove its data. */
export interface TestPostgres {
  adminUrl: string;
  stop(): Promise<void>;
}

/**
 * One PostgreSQL 15 for a test run, as `npm start` and the cluster run it (Debian's binaries, `initdb`, loopback TCP
 * with a password) but without fsync, in a temporary folder on a free port; test files make databases of their own
 * in it (`test/support/test-database.ts`).
 */
export async function startTestPostgres(): Promise<TestPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'ekyc-test-postgres-'));
  // As root, PostgreSQL runs as the postgres user, who must reach the data folder inside this one.
  chmodSync(dir, 0o755);
  const [port] = await freePorts(1);
  if (port === undefined) throw new Error('no free port for the test PostgreSQL');
  const settings = {
    dataDir: join(dir, 'data'),
    port,
    superuserPassword: randomBytes(18).toString('base64url'),
    throwaway: true,
  };
  const supervisor = new Supervisor((name, code) => {
    process.stderr.write(`the test ${name} stopped unexpectedly (exit ${code}); its log is in ${dir}\n`);
  });
  try {
    await initPostgres(settings);
    await supervisor.start(postgresChild(settings));
  } catch (error) {
    await supervisor.stop();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    adminUrl: postgresUrl(port, 'postgres', settings.superuserPassword, 'postgres'),
    stop: async () => {
      await supervisor.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

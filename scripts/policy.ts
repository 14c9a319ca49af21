/**
 * `npm run policy -- backtest <version> --from <ISO> --to <ISO> [--flow f] [--region r] [--limit n] [--after c]
 * [--json]`: what a policy version (a draft included) would have decided for the journeys that ended in a period, beside
 * what their own versions decided, read straight from the policy database (`DATABASE_URL`). Prints the counts per
 * outcome, the transition matrix, the reasons added and removed and the first page of changed journeys, or with
 * `--json` the answer `POST /v1/policies/{version}/backtest` gives. Without `DATABASE_URL` it uses `npm start`'s
 * PostgreSQL (its passwords in `DATA_DIR`, its port `DEV_POSTGRES_PORT`). Exits 0 on an answer, 1 when the database
 * or version is missing, 2 on a bad command line.
 */
import { parseArgs } from 'node:util';
import { FACEID_REGIONS } from '../src/faceid/actions';
import { FLOWS } from '../src/workflows/types';
import { ConfigError } from '../src/config-error';
import { DatabaseQueryError, DatabaseUnavailableError, openDatabase } from '../src/db/database';
import { describeDatabaseUrl } from '../src/db/database-url';
import { backtest, BacktestRequestError, BACKTEST_MAX_LIMIT } from '../src/policy/backtest';
import { candidateVersion, decisionRecordSource } from '../src/policy/backtest-records';
import { createLogger } from '../src/logging';
import { storeEnv } from '../src/config/store';
import { backtestTable } from './lib/backtest-table';
import { devDatabaseUrl, devPostgresPort } from './lib/dev-postgres';

const USAGE = [
  'usage: npm run policy -- backtest <version> --from <ISO time> --to <ISO time>',
  '         [--flow <flow>] [--region <region>] [--limit <1-500>] [--after <next cursor>] [--json]',
  '',
  'Decides the journeys that ended from --from up to --to (at most 366 days) again under <version> and compares',
  "with what each journey's own version decided. Reads the policy database named by DATABASE_URL",
  "(postgres://user:password@host:port/database); without it, npm start's own PostgreSQL, whose password npm start",
  'keeps in its data folder (DATA_DIR, default .data) and whose port is DEV_POSTGRES_PORT (default 5434).',
  `flows: ${FLOWS.join(', ')}; regions: ${FACEID_REGIONS.join(', ')}`,
].join('\n');

class UsageError extends Error {}

/** PostgreSQL's SQLSTATE for a table that does not exist: a database no gateway has migrated. */
const UNDEFINED_TABLE = '42P01';

interface BacktestCommand {
  version: number;
  period: { from: string; to: string; flow?: string; region?: string };
  page: { limit?: number; after?: string };
  json: boolean;
}

function isoTime(name: string, value: string | undefined): string {
  if (value === undefined) throw new UsageError(`--${name} is required`);
  const ms = Date.parse(value);
  if (Number.isNaN(ms) || !/^\d{4}-\d{2}-\d{2}/.test(value)) throw new UsageError(`--${name} must be an ISO time`);
  return new Date(ms).toISOString();
}

function oneOf(name: string, value: string | undefined, allowed: readonly string[]): string | undefined {
  if (value !== undefined && !allowed.includes(value))
    throw new UsageError(`--${name} must be one of ${allowed.join(', ')}`);
  return value;
}

function parseCommand(argv: string[]): BacktestCommand | 'help' {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      flow: { type: 'string' },
      region: { type: 'string' },
      limit: { type: 'string' },
      after: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const [command, version, ...extra] = positionals;
  if (command !== 'backtest') throw new UsageError(command ? `no command "${command}" (backtest)` : 'name a command');
  if (!version || !/^[1-9]\d{0,8}$/.test(version) || extra.length > 0) {
    throw new UsageError('backtest takes one version number');
  }
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1 && limit <= BACKTEST_MAX_LIMIT)) {
    throw new UsageError(`--limit must be a whole number from 1 to ${BACKTEST_MAX_LIMIT}`);
  }
  const flow = oneOf('flow', values.flow, FLOWS);
  const region = oneOf('region', values.region, FACEID_REGIONS);
  return {
    version: Number(version),
    period: {
      from: isoTime('from', values.from),
      to: isoTime('to', values.to),
      ...(flow ? { flow } : {}),
      ...(region ? { region } : {}),
    },
    page: { ...(limit !== undefined ? { limit } : {}), ...(values.after ? { after: values.after } : {}) },
    json: values.json ?? false,
  };
}

async function main(): Promise<number> {
  let command: BacktestCommand | 'help';
  try {
    command = parseCommand(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`policy: ${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let url: string | undefined;
  try {
    url = process.env.DATABASE_URL?.trim() || devDatabaseUrl(storeEnv.parse(process.env).DATA_DIR, devPostgresPort());
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`policy: ${error.message}\n`);
    return 2;
  }
  if (!url) {
    process.stderr.write(
      "policy: DATABASE_URL is not set, and npm start's data folder holds no PostgreSQL of its own\n",
    );
    return 1;
  }
  const where = describeDatabaseUrl(url);
  const database = openDatabase(
    { url, maxConnections: 1, applicationName: 'ekyc-policy-cli' },
    createLogger({ component: 'policy-cli', level: 'warn' }),
  );
  try {
    const candidate = await candidateVersion(database, command.version);
    if (!candidate) {
      process.stderr.write(`policy: ${where} has no policy version ${command.version}\n`);
      return 1;
    }
    const report = await backtest(decisionRecordSource(database), candidate, command.period, command.page);
    process.stdout.write(command.json ? `${JSON.stringify(report, null, 2)}\n` : `${backtestTable(report)}\n`);
    return 0;
  } catch (error) {
    if (error instanceof BacktestRequestError) {
      process.stderr.write(`policy: ${error.message}\n`);
      return 2;
    }
    if (error instanceof DatabaseUnavailableError) {
      process.stderr.write(`policy: cannot use the database ${where}: ${error.message}\n`);
      return 1;
    }
    if (error instanceof DatabaseQueryError && error.code === UNDEFINED_TABLE) {
      process.stderr.write(`policy: ${where} has no policy tables yet; a gateway started on it creates them\n`);
      return 1;
    }
    throw error;
  } finally {
    await database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);

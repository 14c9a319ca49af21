#!/usr/bin/env node
// Builds the tools the service runs beside itself into the git-ignored .tools/ folder, once.
// The Temporal CLI (dev server with SQLite persistence and the Web UI) and MinIO (the S3-compatible server the
// archive tests and benchmark run against) are not on npm, so both are built from their Go modules at pinned
// versions; a second run finds the stamp and returns at once.
//
//   node scripts/install-tools.mjs                 what `npm test` needs (Debian chromium included)
//   node scripts/install-tools.mjs --for=start     only what `npm start` runs (skips MinIO): the Temporal CLI and
//                                                  Debian's PostgreSQL 15 (the policy and decision database)
//   node scripts/install-tools.mjs --for=test      what `npm test` needs (the cluster's tools included: its test)
//   node scripts/install-tools.mjs --for=cluster   what `npm run cluster` runs: the Temporal server, its SQL schema
//                                                  tool and UI server, MinIO, and Debian's PostgreSQL 15
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const toolsDir = join(root, '.tools');
const binDir = join(toolsDir, 'bin');

/**
 * Pinned Go-module tools. `for` says who needs the tool: `start` tools run with the service, `test` tools only in
 * tests and benchmarks.
 *
 * temporal: the newest CLI tag whose go.mod has no replace directive.
 * minio: the module's final commit (RELEASE.2025-10-15T17-29-55Z plus eleven maintenance commits, README and fixes;
 * the project is archived). Its go.mod has no replace directive, so `go install` builds it directly; the module
 * proxy serves this commit's canonical pseudo-version but not the RELEASE.* tag names.
 */
const goTools = [
  {
    name: 'temporal',
    module: 'github.com/temporalio/cli/cmd/temporal',
    version: 'v1.5.1',
    for: ['start', 'test', 'cluster'],
  },
  {
    name: 'minio',
    module: 'github.com/minio/minio',
    version: 'v0.0.0-20260212201848-7aac2a2c5b7c',
    for: ['test', 'cluster'],
  },
  // The cluster's Temporal server: the version the CLI above embeds. Two of these binaries are called `server`, so
  // each goes into a folder of its own (`dir`).
  {
    name: 'server',
    dir: 'temporal-server',
    module: 'go.temporal.io/server/cmd/server',
    version: 'v1.29.1',
    for: ['test', 'cluster'],
  },
  {
    name: 'sql',
    dir: 'temporal-sql-tool',
    module: 'go.temporal.io/server/cmd/tools/sql',
    version: 'v1.29.1',
    for: ['test', 'cluster'],
  },
  {
    name: 'server',
    dir: 'temporal-ui-server',
    module: 'github.com/temporalio/ui-server/v2/cmd/server',
    version: 'v2.42.1',
    for: ['test', 'cluster'],
  },
];

function parseTarget(argv) {
  const flag = argv.find((arg) => arg.startsWith('--for='));
  const target = flag ? flag.slice('--for='.length) : 'test';
  if (target !== 'start' && target !== 'test' && target !== 'cluster') {
    console.error(`install-tools: --for must be start, test or cluster, not "${target}"`);
    process.exit(2);
  }
  return target;
}

function findGo() {
  // CI runs with a trimmed environment, so also look where the Go toolchain is normally installed.
  const candidates = [
    ...(process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'go')),
    '/usr/local/go/bin/go',
  ];
  return candidates.find((candidate) => existsSync(candidate));
}

function installGoTool(tool) {
  const folder = tool.dir ? join(toolsDir, tool.dir) : binDir;
  const binary = join(folder, tool.name);
  const stamp = join(toolsDir, `${tool.dir ?? tool.name}.version`);
  if (existsSync(binary) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === tool.version) return;

  const go = findGo();
  if (!go) {
    console.error(
      `ekyc-journeys needs the Go toolchain to build ${tool.module}@${tool.version} once, and none was found.\n` +
        'Install Go 1.24 or newer (https://go.dev/doc/install), make sure `go` is on PATH, and run the command again.',
    );
    process.exit(1);
  }
  mkdirSync(folder, { recursive: true });
  console.log(`Building ${tool.module} ${tool.version} from its Go module (first run only; a few minutes)…`);
  const started = Date.now();
  const result = spawnSync(go, ['install', `${tool.module}@${tool.version}`], {
    stdio: 'inherit',
    env: { ...process.env, GOBIN: folder },
  });
  if (result.status !== 0) {
    console.error(`Building ${tool.module} failed (go install exited with ${result.status ?? result.signal}).`);
    process.exit(1);
  }
  writeFileSync(stamp, `${tool.version}\n`);
  console.log(`Built ${tool.module} ${tool.version} in ${Math.round((Date.now() - started) / 1000)} s → ${binary}`);
}

const CHROMIUM_PATH = '/usr/bin/chromium';
const POSTGRES_BIN = '/usr/lib/postgresql/15/bin/postgres';
const OPENSSL_BIN = '/usr/bin/openssl';

/** Installs Debian packages as root, or explains what to install and exits (`required`) or warns. */
function installDebianPackage({ path, packages, why, required }) {
  if (existsSync(path)) return;
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    const message = `install-tools: ${path} is missing and this is not root, so it is not installed; ${why} needs it: sudo apt-get install -y ${packages}`;
    if (required) {
      console.error(message);
      process.exit(1);
    }
    console.warn(message);
    return;
  }
  console.log(`Installing Debian ${packages} for ${why} (first run only)…`);
  const result = spawnSync('sh', ['-c', `apt-get update && apt-get install -y ${packages}`], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (result.status !== 0 || !existsSync(path)) {
    console.error(`Installing ${packages} failed (apt-get exited with ${result.status ?? result.signal}).`);
    process.exit(1);
  }
}

const target = parseTarget(process.argv.slice(2));
for (const tool of goTools) if (tool.for.includes(target)) installGoTool(tool);
// The browser test drives Debian's Chromium through playwright-core, which downloads no browser of its own.
if (target === 'test') {
  installDebianPackage({ path: CHROMIUM_PATH, packages: 'chromium', why: 'the browser test (jest project e2e)' });
}
// PostgreSQL: the policy and decision database of every stack, the integration tests' and the cluster's Temporal.
const postgresWhy = {
  start: '`npm start` (the policy and decision database)',
  test: 'the integration tests and the cluster test',
  cluster: '`npm run cluster`',
};
installDebianPackage({ path: POSTGRES_BIN, packages: 'postgresql-15', why: postgresWhy[target], required: true });
// The cluster (`npm run cluster`, and its fault test in `npm test`): openssl for its certificates.
if (target === 'cluster' || target === 'test') {
  const why = target === 'test' ? 'the cluster test (jest project cluster)' : '`npm run cluster`';
  installDebianPackage({ path: OPENSSL_BIN, packages: 'openssl', why, required: true });
}

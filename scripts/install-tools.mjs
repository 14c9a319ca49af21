#!/usr/bin/env node
// Builds the tools the service runs beside itself into the git-ignored .tools/ folder, once.
// The Temporal CLI (dev server with SQLite persistence and the Web UI) is not on npm, so it is built
// from its Go module at a pinned version; a second run finds the stamp and returns at once.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const toolsDir = join(root, '.tools');
const binDir = join(toolsDir, 'bin');

/** Pinned Go-module tools: the newest temporal CLI tag whose go.mod has no replace directive. */
const goTools = [{ name: 'temporal', module: 'github.com/temporalio/cli/cmd/temporal', version: 'v1.5.1' }];

function findGo() {
  // CI runs with a trimmed environment, so also look where the Go toolchain is normally installed.
  const candidates = [
    ...(process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'go')),
    '/usr/local/go/bin/go',
  ];
  return candidates.find((candidate) => existsSync(candidate));
}

function installGoTool(tool) {
  const binary = join(binDir, tool.name);
  const stamp = join(toolsDir, `${tool.name}.version`);
  if (existsSync(binary) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === tool.version) return;

  const go = findGo();
  if (!go) {
    console.error(
      `ekyc-journeys needs the Go toolchain to build ${tool.module}@${tool.version} once, and none was found.\n` +
        'Install Go 1.23 or newer (https://go.dev/doc/install), make sure `go` is on PATH, and run the command again.',
    );
    process.exit(1);
  }
  mkdirSync(binDir, { recursive: true });
  console.log(`Building ${tool.name} ${tool.version} from its Go module (first run only; a few minutes)…`);
  const started = Date.now();
  const result = spawnSync(go, ['install', `${tool.module}@${tool.version}`], {
    stdio: 'inherit',
    env: { ...process.env, GOBIN: binDir },
  });
  if (result.status !== 0) {
    console.error(`Building ${tool.name} failed (go install exited with ${result.status ?? result.signal}).`);
    process.exit(1);
  }
  writeFileSync(stamp, `${tool.version}\n`);
  console.log(`Built ${tool.name} ${tool.version} in ${Math.round((Date.now() - started) / 1000)} s → ${binary}`);
}

for (const tool of goTools) installGoTool(tool);

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');

interface Probe {
  path: string;
  source: string;
}

/**
 * Lints probe sources as if they were the files at their paths, in a child process (ESLint loads its flat config with a
 * dynamic import, which Jest's sandbox does not allow); returns the lines each probe's import fence reports.
 */
function fencedLines(probes: Probe[]): number[][] {
  const script = `
    import { ESLint } from 'eslint';
    import { join } from 'node:path';
    const probes = JSON.parse(await new Response(process.stdin).text());
    const eslint = new ESLint({ cwd: process.cwd() });
    const lines = [];
    for (const { path, source } of probes) {
      const [result] = await eslint.lintText(source, { filePath: join(process.cwd(), path) });
      lines.push(result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.line));
    }
    process.stdout.write(JSON.stringify(lines));
  `;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: root,
    input: JSON.stringify(probes),
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`eslint probe failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as number[][];
}

/** A source importing each line's binding and using it, so nothing is reported as unused. */
const probe = (lines: string[]): string =>
  `${lines.join('\n')}\nexport const probe: unknown = [${lines.map((_, i) => `v${i}`).join(', ')}];\n`;

/**
 * The import fences of eslint.config.mjs, run against probe sources under real file names: workflow code imports
 * only from an allow list, contracts import neither side, activities take workflow modules as types only, the
 * evidence bundle modules the offline verifier loads import no service layer, the store and the database import
 * nothing of ours but logging, the emulator only the FaceID layer's public index, and the product never the emulator.
 */
describe('import fences', () => {
  const probes: (Probe & { name: string; fenced: number[] })[] = [
    {
      name: 'workflow code imports only the workflow SDK, its own modules, contracts and the FaceID catalogue',
      path: 'src/workflows/ekyc-journey.ts',
      source: probe([
        "import { log as v0 } from '@temporalio/workflow';",
        "import { SearchAttributeType as v1 } from '@temporalio/common';",
        "import { FLOWS as v2 } from './types';",
        "import { MEDIA_FAILURE_TYPES as v3 } from '../contracts/failure-types';",
        "import { FACEID_ACTIONS as v4 } from '../faceid/actions';",
        "import { readFileSync as v5 } from 'node:fs';",
        "import { z as v6 } from 'zod';",
        "import { journeyPrefix as v7 } from '../archive/keys';",
        "import { Client as v8 } from '@temporalio/client';",
        "import { FACEID_SCHEMAS as v9 } from '../faceid/schemas';",
        "import { createHash as v10 } from 'crypto';",
      ]),
      fenced: [6, 7, 8, 9, 10, 11],
    },
    {
      name: 'workflow code takes anything as a type',
      path: 'src/workflows/ekyc-journey.ts',
      source: "import type { ObjectStore } from '../store/object-store';\nexport type Probe = ObjectStore;\n",
      fenced: [],
    },
    {
      name: 'activities take neither the workflow SDK nor workflow modules at run time',
      path: 'src/activities/failures.ts',
      source: probe([
        "import { MEDIA_FAILURE_TYPES as v0 } from '../contracts/failure-types';",
        "import { log as v1 } from '@temporalio/workflow';",
        "import { decide as v2 } from '../workflows/decision';",
      ]),
      fenced: [2, 3],
    },
    {
      name: 'contracts import neither side',
      path: 'src/contracts/failure-types.ts',
      source: probe([
        "import { FACEID_ERROR_RETRYABLE as v0 } from '../faceid/errors';",
        "import { log as v1 } from '@temporalio/workflow';",
        "import { Context as v2 } from '@temporalio/activity';",
        "import { randomUUID as v3 } from 'node:crypto';",
      ]),
      fenced: [2, 3, 4],
    },
    {
      name: 'the offline bundle modules import only Node, tar-stream, zod and each other',
      path: 'src/evidence/bundle-verifier.ts',
      source: probe([
        "import { createHash as v0 } from 'node:crypto';",
        "import { extract as v1 } from 'tar-stream';",
        "import { z as v2 } from 'zod';",
        "import { parseManifest as v3 } from './bundle-format';",
        "import { Client as v4 } from '@temporalio/client';",
        "import { manifestKey as v5 } from '../archive/keys';",
        "import { timelineFromHistory as v6 } from './history-timeline';",
      ]),
      fenced: [5, 6, 7],
    },
    {
      name: 'the store imports nothing of ours but logging',
      path: 'src/store/filesystem-store.ts',
      source: probe([
        "import { randomUUID as v0 } from 'node:crypto';",
        "import { createLogger as v1 } from '../logging';",
        "import { IntegrityMeter as v2 } from './integrity-meter';",
        "import { manifestKey as v3 } from '../archive/keys';",
        "import { FaceIdClient as v4 } from '../faceid';",
        "import { type ConfigError as v5 } from '../config-error';",
      ]),
      fenced: [4, 5, 6],
    },
    {
      name: 'the database floor imports nothing of ours but logging',
      path: 'src/db/migrations.ts',
      source: probe([
        "import v0 from 'pg';",
        "import { createLogger as v1 } from '../logging';",
        "import { openDatabase as v2 } from './database';",
        "import { openArchiveStore as v3 } from '../store/open-store';",
        "import { decide as v4 } from '../workflows/decision';",
        "import { type ConfigError as v5 } from '../config-error';",
      ]),
      fenced: [4, 5, 6],
    },
    {
      name: "the emulator imports only the FaceID layer's public index and logging",
      path: 'src/emulator/outcome.ts',
      source: probe([
        "import { failingCode as v0 } from '../faceid';",
        "import { scrubText as v1 } from '../logging';",
        "import { syntheticPerson as v2 } from './card-info';",
        "import { CARD_NATIONALITIES as v3 } from '../faceid/actions';",
        "import { OPERATOR_ID_PATTERN as v4 } from '../contracts/operator-id';",
      ]),
      fenced: [4, 5],
    },
    {
      name: "the emulator's action handlers likewise, one folder down",
      path: 'src/emulator/actions/ekyc.ts',
      source: probe([
        "import { SDK_ID_CARD_TYPES as v0 } from '../../faceid';",
        "import { syntheticPerson as v1 } from '../card-info';",
        "import { FACEID_SCHEMAS as v2 } from '../../faceid/schemas';",
      ]),
      fenced: [3],
    },
    {
      name: "the product's floors never import the emulator; its entry point does",
      path: 'src/gateway/server.ts',
      source: probe([
        "import { createEmulator as v0 } from '../emulator';",
        "import { SandboxClient as v1 } from '../emulator/sandbox-client';",
        "import { FaceIdClient as v2 } from '../faceid';",
      ]),
      fenced: [1, 2],
    },
    {
      name: 'activities never import the emulator either',
      path: 'src/activities/faceid-activities.ts',
      source: probe(["import { createEmulator as v0 } from '../emulator';"]),
      fenced: [1],
    },
    {
      name: "the emulator's entry point starts it",
      path: 'src/bin/emulator.ts',
      source: probe(["import { createEmulator as v0 } from '../emulator';"]),
      fenced: [],
    },
  ];

  it('reports exactly the imports outside each fence', () => {
    const reported = fencedLines(probes);
    expect(probes.map((p, i) => ({ name: p.name, fenced: reported[i] }))).toEqual(
      probes.map(({ name, fenced }) => ({ name, fenced })),
    );
  }, 120_000);
});

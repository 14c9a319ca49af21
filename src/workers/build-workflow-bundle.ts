/**
 * Builds the journey workflows' bundle into one file: `npm run build:workflows` (dist/workflow-bundle.js) or with a
 * path of your own. A worker started with `WORKFLOW_BUNDLE=<that file>` runs it instead of bundling at start-up; the
 * worker also runs this script in a child process when no prebuilt bundle is named.
 */
import { rename, writeFile, mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { DefaultLogger } from '@temporalio/worker';
import { bundleJourneyWorkflows } from './workflow-bundle';

async function build(out: string): Promise<void> {
  const { code } = await bundleJourneyWorkflows({ logger: new DefaultLogger('WARN') });
  await mkdir(dirname(out), { recursive: true });
  // Written aside and renamed into place: a worker starting meanwhile reads the old bundle or the new, never half.
  const partial = `${out}.${process.pid}.partial`;
  await writeFile(partial, code);
  await rename(partial, out);
}

const out = resolve(process.argv[2] ?? 'dist/workflow-bundle.js');
build(out).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});

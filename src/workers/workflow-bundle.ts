import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode, type Logger, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH, UNENCRYPTED_GUARD_PATH } from '../codec/data-converter';
import { ConfigError } from '../config-error';

const JOURNEY_WORKFLOWS_PATH = require.resolve('../workflows');
const BUILD_SCRIPT = require.resolve('./build-workflow-bundle');

/**
 * Bundles the journey workflows as every worker and replayer of the service runs them: with the service's failure
 * converter and the workflow interceptor that refuses unencrypted payloads.
 */
export function bundleJourneyWorkflows(
  options: { workflowsPath?: string; logger?: Logger } = {},
): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    workflowsPath: options.workflowsPath ?? JOURNEY_WORKFLOWS_PATH,
    failureConverterPath: FAILURE_CONVERTER_PATH,
    workflowInterceptorModules: [UNENCRYPTED_GUARD_PATH],
    ...(options.logger ? { logger: options.logger } : {}),
  });
}

/**
 * The workflow code for a worker process: the bundle prebuilt at `prebuiltPath` (`npm run build:workflows`, what a
 * production image ships), else one built now in a child process.
 * Why not in this process: webpack leaves ~130 MiB of its heap on the worker's resident memory for the rest of its
 * life, more than a hundred cached journeys take; a child returns all of it when it exits.
 */
export async function journeyWorkflowCode(prebuiltPath: string | undefined): Promise<{ code: string }> {
  if (prebuiltPath !== undefined) {
    const size = await stat(prebuiltPath).then(
      (stats) => (stats.isFile() ? stats.size : 0),
      () => 0,
    );
    if (size === 0) {
      throw new ConfigError(
        `WORKFLOW_BUNDLE names no workflow bundle (${prebuiltPath}); build it with npm run build:workflows`,
      );
    }
    return { code: await readFile(prebuiltPath, 'utf8') };
  }
  const out = join(tmpdir(), `ekyc-workflow-bundle-${randomUUID()}.js`);
  try {
    await buildWorkflowBundle(out);
    return { code: await readFile(out, 'utf8') };
  } finally {
    await rm(out, { force: true });
  }
}

/**
 * Builds the bundle into the file `out` in a child Node process (`npm run build:workflows`), rejecting with the build's
 * own error output when it fails.
 */
export function buildWorkflowBundle(out: string): Promise<void> {
  // The service runs its TypeScript through tsx; a compiled build script needs nothing more.
  const args = BUILD_SCRIPT.endsWith('.ts') ? ['--import', 'tsx', BUILD_SCRIPT, out] : [BUILD_SCRIPT, out];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let errors = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      // Enough to say what failed (a webpack error names the module), not a whole stack of them.
      if (errors.length < 4000) errors += chunk;
    });
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code === 0) resolve();
      else {
        const how = signal ? `was stopped by ${signal}` : `exited with ${code}`;
        reject(new Error(`building the workflow bundle failed: the build ${how}\n${errors.trim()}`));
      }
    });
  });
}

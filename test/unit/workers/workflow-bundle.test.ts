import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../../src/config-error';
import { journeyWorkflowCode } from '../../../src/workers/workflow-bundle';

describe('journeyWorkflowCode with a prebuilt bundle (WORKFLOW_BUNDLE)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'workflow-bundle-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('runs the named file as it is', async () => {
    const path = join(dir, 'bundle.js');
    await writeFile(path, 'var journeys = 1;');
    await expect(journeyWorkflowCode(path)).resolves.toEqual({ code: 'var journeys = 1;' });
  });

  it.each([
    ['a file that does not exist', 'absent.js'],
    ['a folder', '.'],
    ['an empty file', 'empty.js'],
  ])('refuses %s as a setting to fix, naming it', async (_what, name) => {
    await writeFile(join(dir, 'empty.js'), '');
    const path = join(dir, name);
    const failure = journeyWorkflowCode(path);
    await expect(failure).rejects.toBeInstanceOf(ConfigError);
    await expect(failure).rejects.toThrow(`WORKFLOW_BUNDLE names no workflow bundle (${path})`);
  });
});

describe('journeyWorkflowCode without a prebuilt bundle', () => {
  it('builds the journey workflows in a child process, with the guard against unencrypted payloads', async () => {
    const { code } = await journeyWorkflowCode(undefined);
    expect(code).toContain('ekycJourney');
    expect(code).toContain('src/workflows/unencrypted-guard.ts');
    expect(code).toContain('src/codec/failure-converter.ts');
  }, 60_000);
});

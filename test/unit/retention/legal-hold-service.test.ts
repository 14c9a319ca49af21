import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LegalHoldInputError } from '../../../src/retention/legal-hold-input';
import { LegalHoldService } from '../../../src/retention/legal-hold-service';
import { AuditLog, type AuditRecord } from '../../../src/review/audit-log';
import { FilesystemStore } from '../../../src/store/filesystem-store';

describe('LegalHoldService', () => {
  let dir: string;
  let store: FilesystemStore;
  let audit: AuditLog;
  const requireEnded = jest.fn(() => Promise.resolve());

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'legal-hold-'));
    store = new FilesystemStore(dir);
    audit = new AuditLog(store);
    requireEnded.mockClear();
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const holds = () => new LegalHoldService({ journeys: { requireEnded }, store, audit });
  async function actions(): Promise<AuditRecord['action'][]> {
    const lines: string[] = [];
    for await (const line of audit.exportLines(new Date(Date.now() - 60_000), new Date(Date.now() + 1000)))
      lines.push(line);
    return lines.map((line) => (JSON.parse(line) as AuditRecord).action);
  }

  it.each([
    ['an operator name', { hold: true, operator: 'Jane Doe', reason: 'case 1' }],
    ['a blank reason', { hold: true, operator: 'op-1', reason: '  ' }],
    ['a reason over 500 characters', { hold: true, operator: 'op-1', reason: 'x'.repeat(501) }],
    ['no hold flag', { operator: 'op-1', reason: 'case 1' }],
  ])('refuses %s before it reads anything', async (_what, input) => {
    await expect(holds().set('ekyc:a', input as never)).rejects.toBeInstanceOf(LegalHoldInputError);
    expect(requireEnded).not.toHaveBeenCalled();
  });

  it('holds and releases an ended journey, each recorded under the operator', async () => {
    expect((await holds().set('ekyc:a', { hold: true, operator: 'op-1', reason: 'case 1' })).legalHold).toBe(true);
    expect((await holds().set('ekyc:a', { hold: false, operator: 'op-1', reason: 'closed' })).legalHold).toBe(false);
    expect(requireEnded).toHaveBeenCalledWith('ekyc:a');
    expect(await actions()).toEqual(['legal_hold_set', 'legal_hold_released']);
  });
});

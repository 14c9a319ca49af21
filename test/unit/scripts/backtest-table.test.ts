import type { BacktestReport } from '../../../src/policy/backtest';
import { backtestTable } from '../../../scripts/lib/backtest-table';

const report: BacktestReport = {
  candidate: { version: 4, sha256: 'c0ffee'.repeat(10) + 'abcd' },
  period: { from: '2026-01-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z', region: 'ap-jakarta' },
  total: 12,
  decided: 11,
  outcomes: {
    own: { approved: 9, expired: 1, rejected: 2 },
    candidate: { approved: 6, expired: 1, review: 1, rejected: 4 },
  },
  transitions: [
    { from: 'approved', to: 'approved', count: 6 },
    { from: 'approved', to: 'rejected', count: 2 },
    { from: 'approved', to: 'review', count: 1 },
    { from: 'rejected', to: 'rejected', count: 2 },
    { from: 'expired', to: 'expired', count: 1 },
  ],
  reasons: { added: { similarity_below_threshold: 2, device_risk_elevated: 1 }, removed: { all_checks_passed: 3 } },
  changed: {
    journeys: [
      {
        journeyId: null,
        reference: null,
        endedAt: '2026-02-03T04:05:06.000Z',
        flow: 'selfie',
        region: 'ap-jakarta',
        ownVersion: 1,
        own: { decision: 'approved', reasons: ['all_checks_passed'] },
        candidate: { decision: 'rejected', reasons: ['similarity_below_threshold'] },
      },
    ],
    next: '1770091506000~17',
  },
};

describe('backtestTable', () => {
  const text = backtestTable(report);
  const lines = text.split('\n');

  it('names the version, the period and its scope', () => {
    expect(lines[0]).toBe('Back-test of policy version 4 (sha256 c0ffeec0ffee…)');
    expect(lines[1]).toBe(
      'journeys that ended from 2026-01-01T00:00:00.000Z to 2026-04-01T00:00:00.000Z (region ap-jakarta)',
    );
  });

  it('prints the outcomes own → candidate with the change, in the order a reader expects', () => {
    const rows = lines.filter((line) => /^(approved|review|rejected|expired) +\d/.test(line)).slice(0, 4);
    expect(rows.map((row) => row.split(/ +/))).toEqual([
      ['approved', '9', '6', '-3'],
      ['review', '0', '1', '+1'],
      ['rejected', '2', '4', '+2'],
      ['expired', '1', '1', '0'],
    ]);
  });

  it('prints the transition matrix with a zero where no journey moved', () => {
    const start = lines.findIndex((line) => line.startsWith('transitions'));
    expect(lines.slice(start + 1, start + 6).map((row) => row.trim().split(/ +/))).toEqual([
      ['approved', 'review', 'rejected', 'expired'],
      ['approved', '6', '1', '2', '0'],
      ['review', '0', '0', '0', '0'],
      ['rejected', '0', '0', '2', '0'],
      ['expired', '0', '0', '0', '1'],
    ]);
  });

  it('lists the reasons, most frequent first, and the changed journeys with the cursor of the next page', () => {
    expect(text).toContain('reasons added:   similarity_below_threshold 2, device_risk_elevated 1');
    expect(text).toContain('reasons removed: all_checks_passed 3');
    expect(text).toContain('next page: --after 1770091506000~17');
    expect(text).toMatch(
      /2026-02-03T04:05:06.000Z +\(erased\) +selfie +ap-jakarta +1 +approved → rejected \(similarity_below_threshold\)/,
    );
  });
});

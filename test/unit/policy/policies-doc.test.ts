import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { POLICY_REASONS, POLICY_WARNING_CODES } from '../../../src/contracts/policy-document';
import { policyReasonsMarkdown } from '../../support/policy-reasons-markdown';

/** Table cells as text, whatever padding prettier gave the page's columns. */
function cells(markdown: string): string[] {
  return markdown
    .split('\n')
    .map((line) => line.trim().replace(/ {2,}/g, ' ').replace(/-{3,}/g, '---'))
    .filter((line) => line !== '');
}

describe('docs/policies.md', () => {
  const page = readFileSync(join(__dirname, '../../../docs/policies.md'), 'utf8');
  const section = /<!-- policy-reasons:start -->([\s\S]*)<!-- policy-reasons:end -->/.exec(page)?.[1] ?? '';

  it('shows the reasons and warning codes a policy acts on exactly as the code holds them', () => {
    expect(cells(section)).toEqual(cells(policyReasonsMarkdown()));
  });

  it('names every reason and warning code once, and nothing else', () => {
    const named = [...section.matchAll(/^\| `([^`]+)` +\|/gm)].map((match) => match[1]);
    expect(named).toEqual([...POLICY_REASONS, ...POLICY_WARNING_CODES]);
  });
});

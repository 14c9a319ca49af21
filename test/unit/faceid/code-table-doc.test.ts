import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { codeTableMarkdown } from '../../support/code-table-markdown';

/** Table cells as text, whatever padding prettier gave the page's columns. */
function cells(markdown: string): string[] {
  return markdown
    .split('\n')
    .map((line) => line.trim().replace(/ {2,}/g, ' ').replace(/-{3,}/g, '---'))
    .filter((line) => line !== '');
}

describe('docs/decisions.md', () => {
  it('shows the code table and the matrix exactly as src/faceid/result-codes.ts holds them', () => {
    const page = readFileSync(join(__dirname, '../../../docs/decisions.md'), 'utf8');
    const section = /<!-- code-table:start -->([\s\S]*)<!-- code-table:end -->/.exec(page)?.[1] ?? '';
    expect(cells(section)).toEqual(cells(codeTableMarkdown()));
  });
});

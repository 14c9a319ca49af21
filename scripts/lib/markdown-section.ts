/** One `## ` section of a page, from its heading to the next `## ` heading, or undefined when the page has none. */
export function sectionOf(page: string, heading: string): string | undefined {
  const lines = page.split('\n');
  const start = lines.findIndex((line) => line.startsWith(heading));
  if (start < 0) return undefined;
  const end = lines.findIndex((line, index) => index > start && line.startsWith('## '));
  return lines
    .slice(start, end < 0 ? lines.length : end)
    .join('\n')
    .trimEnd();
}

/**
 * The page with one `## ` section replaced, from the line that starts with `heading` to the next `## ` heading (or the
 * end), or with the section appended when the page has none: how one benchmark rewrites its part of
 * docs/benchmarks.md and keeps the others'.
 */
export function replaceSection(page: string, heading: string, section: string): string {
  const lines = page.split('\n');
  const start = lines.findIndex((line) => line.startsWith(heading));
  if (start < 0) return `${page.trimEnd()}\n\n${section.trimEnd()}\n`;
  let end = lines.findIndex((line, index) => index > start && line.startsWith('## '));
  if (end < 0) end = lines.length;
  const after = lines.slice(end);
  return [...lines.slice(0, start), ...section.trimEnd().split('\n'), ...(after.length ? ['', ...after] : [''])].join(
    '\n',
  );
}

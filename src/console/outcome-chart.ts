/** What {@link outcomeChart} draws: per outcome, the count under the journeys' own versions and under the candidate. */
export interface OutcomeChartInput {
  /** Prefix of the chart's element ids, unique on its page. */
  id: string;
  /** The accessible name (`<title>`), e.g. "Outcomes under version 3". */
  title: string;
  /** The two series' names, e.g. "own versions" and "version 3". */
  before: string;
  after: string;
  outcomes: ReadonlyArray<{ outcome: string; before: number; after: number }>;
}

const WIDTH = 640;
const HEIGHT = 320;
const MARGIN = { top: 36, right: 16, bottom: 52, left: 64 };
const PLOT_WIDTH = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_HEIGHT = HEIGHT - MARGIN.top - MARGIN.bottom;
const TICKS = 4;
const COLOURS = { before: '#8a9bb0', after: '#1f3a5f' };

/**
 * A grouped bar chart of outcome counts before and after, as SVG markup to inline in a console page (the console runs
 * no script, so the chart is drawn on the server). Bars are proportional to their counts on an axis from 0 to a round
 * maximum; each bar carries its count in a `<title>` and `data-value`, and the chart's `<title>` and `<desc>` name it
 * for screen readers.
 */
export function outcomeChart(input: OutcomeChartInput): string {
  const top = roundMaximum(Math.max(0, ...input.outcomes.flatMap((entry) => [entry.before, entry.after])));
  const scale = (value: number): number => (value / top) * PLOT_HEIGHT;
  const groupWidth = PLOT_WIDTH / Math.max(1, input.outcomes.length);
  const barWidth = Math.min(48, groupWidth * 0.35);
  const baseline = MARGIN.top + PLOT_HEIGHT;

  const ticks = Array.from({ length: TICKS + 1 }, (_, step) => (top * step) / TICKS).map((value) => {
    const y = round(baseline - scale(value));
    return (
      `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y}" y2="${y}" stroke="#ddd"/>` +
      `<text x="${MARGIN.left - 6}" y="${y + 4}" text-anchor="end">${round(value)}</text>`
    );
  });
  const groups = input.outcomes.map((entry, index) => {
    const centre = MARGIN.left + groupWidth * (index + 0.5);
    const bar = (series: 'before' | 'after', value: number, x: number): string => {
      const height = round(scale(value));
      return (
        `<rect x="${round(x)}" y="${round(baseline - height)}" width="${round(barWidth)}" height="${height}" ` +
        `fill="${COLOURS[series]}" data-outcome="${escapeXml(entry.outcome)}" data-series="${series}" ` +
        `data-value="${value}"><title>${escapeXml(`${entry.outcome}, ${input[series]}: ${value}`)}</title></rect>`
      );
    };
    return (
      bar('before', entry.before, centre - barWidth - 2) +
      bar('after', entry.after, centre + 2) +
      `<text x="${round(centre)}" y="${baseline + 18}" text-anchor="middle">${escapeXml(entry.outcome)}</text>`
    );
  });
  const legend = (['before', 'after'] as const).map((series, index) => {
    const x = MARGIN.left + index * 200;
    return (
      `<rect x="${x}" y="10" width="14" height="14" fill="${COLOURS[series]}"/>` +
      `<text x="${x + 20}" y="22">${escapeXml(input[series])}</text>`
    );
  });
  const id = escapeXml(input.id);
  const description =
    `Journeys per outcome under ${input.before} and under ${input.after}: ` +
    input.outcomes.map((entry) => `${entry.outcome} ${entry.before} and ${entry.after}`).join('; ') +
    '.';
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" `,
    `role="img" aria-labelledby="${id}-title ${id}-desc" font-family="system-ui, sans-serif" font-size="12">`,
    `<title id="${id}-title">${escapeXml(input.title)}</title>`,
    `<desc id="${id}-desc">${escapeXml(description)}</desc>`,
    ...ticks,
    ...groups,
    `<line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${baseline}" stroke="#1a1a1a"/>`,
    `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${baseline}" y2="${baseline}" stroke="#1a1a1a"/>`,
    `<text x="${MARGIN.left + PLOT_WIDTH / 2}" y="${HEIGHT - 8}" text-anchor="middle">outcome</text>`,
    `<text transform="translate(16 ${MARGIN.top + PLOT_HEIGHT / 2}) rotate(-90)" text-anchor="middle">journeys</text>`,
    ...legend,
    '</svg>',
  ].join('');
}

/** The axis' top: four whole, round steps (1, 2, 2.5, 3, 4, 5, 6 or 8 times a power of ten) reaching the largest count. */
function roundMaximum(value: number): number {
  const wanted = Math.max(1, value / TICKS);
  const power = 10 ** Math.floor(Math.log10(wanted));
  const step = [1, 2, 2.5, 3, 4, 5, 6, 8, 10]
    .map((factor) => factor * power)
    .find((candidate) => Number.isInteger(candidate) && candidate >= wanted);
  return (step ?? 10 * power) * TICKS;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

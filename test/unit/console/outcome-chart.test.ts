import { outcomeChart, type OutcomeChartInput } from '../../../src/console/outcome-chart';

const INPUT: OutcomeChartInput = {
  id: 'backtest',
  title: 'Outcomes under version 3',
  before: 'own versions',
  after: 'version 3',
  outcomes: [
    { outcome: 'approved', before: 120, after: 90 },
    { outcome: 'review', before: 30, after: 55 },
    { outcome: 'rejected', before: 10, after: 15 },
    { outcome: 'expired', before: 0, after: 0 },
  ],
};

/**
 * Whether `markup` is well-formed XML as the chart writes it: every tag closed in order, every attribute quoted, no
 * stray `<` or `&` in text or attributes. (Node has no XML parser; the browser test renders the chart in Chromium.)
 */
function wellFormed(markup: string): string[] {
  const problems: string[] = [];
  const open: string[] = [];
  const token = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<&]*(?:&#\d+;[^"<&]*)*")*)\s*(\/?)>|([^<]+)|(<)/g;
  for (const match of markup.matchAll(token)) {
    const [, closing, name, , selfClosing, text, stray] = match;
    if (stray) problems.push(`a stray < at ${match.index}`);
    else if (text !== undefined) {
      if (/&(?!#\d+;|amp;|lt;|gt;|quot;|apos;)/.test(text)) problems.push(`a bare & in "${text}"`);
    } else if (closing) {
      if (open.pop() !== name) problems.push(`</${name}> closes nothing open`);
    } else if (!selfClosing) open.push(name ?? '');
  }
  if (open.length > 0) problems.push(`never closed: ${open.join(', ')}`);
  return problems;
}

function bars(svg: string): Array<{ outcome: string; series: string; value: number; height: number; y: number }> {
  return [...svg.matchAll(/<rect ([^>]*data-series[^>]*)>/g)].map(([, attributes = '']) => {
    const attribute = (name: string): string => new RegExp(`${name}="([^"]*)"`).exec(attributes)?.[1] ?? '';
    return {
      outcome: attribute('data-outcome'),
      series: attribute('data-series'),
      value: Number(attribute('data-value')),
      height: Number(attribute('height')),
      y: Number(attribute(' y')),
    };
  });
}

describe('outcomeChart', () => {
  it('is well-formed SVG with an accessible title and description', () => {
    const svg = outcomeChart(INPUT);
    expect(wellFormed(svg)).toEqual([]);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" /);
    expect(svg).toContain('role="img" aria-labelledby="backtest-title backtest-desc"');
    expect(svg).toContain('<title id="backtest-title">Outcomes under version 3</title>');
    expect(svg).toContain('approved 120 and 90; review 30 and 55');
    // The axes are labelled.
    expect(svg).toContain('>outcome</text>');
    expect(svg).toContain('>journeys</text>');
  });

  it('draws two bars per outcome, their heights proportional to the counts, on one baseline', () => {
    const drawn = bars(outcomeChart(INPUT));
    expect(drawn.map((bar) => `${bar.outcome}/${bar.series}=${bar.value}`)).toEqual([
      'approved/before=120',
      'approved/after=90',
      'review/before=30',
      'review/after=55',
      'rejected/before=10',
      'rejected/after=15',
      'expired/before=0',
      'expired/after=0',
    ]);
    const perJourney = (drawn[0]?.height ?? 0) / 120;
    expect(perJourney).toBeGreaterThan(0);
    for (const bar of drawn) {
      expect(bar.height).toBeCloseTo(bar.value * perJourney, 1);
      expect(bar.y + bar.height).toBeCloseTo((drawn[0]?.y ?? 0) + (drawn[0]?.height ?? 0), 1);
    }
    // The axis reaches a round maximum at or above the largest count, so the largest bar fits.
    expect(outcomeChart(INPUT)).toMatch(/>120<\/text>/);
  });

  it('escapes what it is given and draws an empty period without dividing by zero', () => {
    const svg = outcomeChart({
      ...INPUT,
      title: 'A <b> & "c"',
      outcomes: [{ outcome: 'a<b', before: 0, after: 0 }],
    });
    expect(wellFormed(svg)).toEqual([]);
    expect(svg).not.toContain('<b>');
    expect(bars(svg).map((bar) => bar.height)).toEqual([0, 0]);
    expect(svg).not.toContain('NaN');
  });

  it('the check itself refuses broken markup', () => {
    expect(wellFormed('<svg><g></svg>')).not.toEqual([]);
    expect(wellFormed('<svg><text>a < b</text></svg>')).not.toEqual([]);
    expect(wellFormed('<svg><text>a & b</text></svg>')).not.toEqual([]);
  });
});

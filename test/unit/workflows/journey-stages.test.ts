import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAllowedTransition, STAGE_TRANSITIONS } from '../../../src/workflows/journey-stages';
import { STAGES } from '../../../src/workflows/types';

/** The moves the Mermaid state diagram of docs/architecture.md draws, as `from -> to` (self loops left out). */
function documentedMoves(): string[] {
  const doc = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'architecture.md'), 'utf8');
  const diagram = /```mermaid\nstateDiagram-v2\n([\s\S]*?)```/.exec(doc)?.[1];
  if (!diagram) throw new Error('docs/architecture.md has no stateDiagram-v2 block');
  return diagram
    .split('\n')
    .map((line) => /^\s*(\S+)\s*-->\s*([^\s:]+)/.exec(line))
    .flatMap((match) => (match && match[1] !== match[2] ? [`${match[1]} -> ${match[2]}`] : []))
    .sort();
}

describe('the journey state machine', () => {
  it('is the diagram in docs/architecture.md', () => {
    const coded = Object.entries(STAGE_TRANSITIONS)
      .flatMap(([from, targets]) => targets.map((to) => `${from} -> ${to}`))
      .concat(['[*] -> issuing_token', 'completed -> [*]'])
      .sort();
    expect(documentedMoves()).toEqual(coded);
  });

  it('covers every stage, reaches completed from each, and never leaves it', () => {
    expect(Object.keys(STAGE_TRANSITIONS).sort()).toEqual([...STAGES].sort());
    for (const stage of STAGES) {
      const seen = new Set([stage]);
      const queue = [stage];
      while (queue.length > 0) {
        for (const next of STAGE_TRANSITIONS[queue.shift() ?? stage]) {
          if (seen.has(next)) continue;
          seen.add(next);
          queue.push(next);
        }
      }
      expect({ stage, reachesCompleted: seen.has('completed') }).toEqual({ stage, reachesCompleted: true });
    }
    expect(STAGE_TRANSITIONS.completed).toEqual([]);
  });

  it('allows staying in a stage and refuses moving back', () => {
    expect(isAllowedTransition('awaiting_user', 'awaiting_user')).toBe(true);
    expect(isAllowedTransition('archiving_media', 'awaiting_user')).toBe(false);
    expect(isAllowedTransition('completed', 'notifying')).toBe(false);
    expect(isAllowedTransition('in_review', 'deciding')).toBe(false);
  });
});

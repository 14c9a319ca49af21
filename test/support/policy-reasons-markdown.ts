import { DECISION_REASON_DEFAULTS, POLICY_REASONS, POLICY_WARNING_CODES } from '../../src/contracts/policy-document';
import { DOCUMENT_WARNING_CODES, SDK_FAILING_CODES, WEB_FAILING_CODES } from '../../src/faceid/result-codes';

/** Every code of both tables that gives `reason` (`SDK 2016`, `web 4`), with the action the table takes for it. */
function codesOf(reason: string): { codes: string[]; actions: Set<string> } {
  const entries = (
    [
      ['SDK', SDK_FAILING_CODES],
      ['web', WEB_FAILING_CODES],
    ] as const
  ).flatMap(([flows, table]) =>
    Object.entries(table)
      .filter(([, meaning]) => meaning.reason === reason && meaning.action !== 'expire')
      .map(([code, meaning]) => ({ code: `${flows} ${code}`, action: meaning.action })),
  );
  return { codes: entries.map((entry) => entry.code), actions: new Set(entries.map((entry) => entry.action)) };
}

/**
 * The reason vocabulary and the warning codes as docs/policies.md shows them, rendered from the code so the page
 * cannot drift: each reason a policy can act on, what the code table does without a rule, and the FaceID codes that
 * give it.
 */
export function policyReasonsMarkdown(): string {
  const reasons = POLICY_REASONS.map((reason) => {
    const { codes, actions } = codesOf(reason);
    const fallback = DECISION_REASON_DEFAULTS[reason];
    const action = fallback ?? [...actions].sort().join(' or ');
    const source = codes.length > 0 ? codes.join(', ') : 'the decision itself';
    return `| \`${reason}\` | ${action} | ${source} |`;
  });
  const warnings = POLICY_WARNING_CODES.map((code) => `| \`${code}\` | ${DOCUMENT_WARNING_CODES[code] ?? ''} |`);
  return [
    '| reason | without a rule | given by |',
    '| --- | --- | --- |',
    ...reasons,
    '',
    '| warning code | FaceID says |',
    '| --- | --- |',
    ...warnings,
  ].join('\n');
}

import {
  documentedCodes,
  SDK_FAILING_CODES,
  WEB_FAILING_CODES,
  type CodeMeaning,
  type ResultAction,
} from '../../src/faceid/result-codes';

const OUTCOME = { reject: 'rejected', review: 'review', expire: 'expired' } as const;

function rows(codes: Readonly<Record<string, CodeMeaning>>): string[] {
  return Object.entries(codes).map(
    ([code, meaning]) =>
      `| ${code} | ${meaning.meaning} | \`${meaning.reason}\` | ${OUTCOME[meaning.action]} | ${meaning.scope} |`,
  );
}

function codeList(action: ResultAction, field: 'overall' | 'liveness' | 'compare', compare: boolean): string {
  return documentedCodes(action, field, { compare })
    .map((code) => (code === null ? 'empty' : code))
    .join(', ');
}

/** The code table and the matrix as docs/decisions.md shows them, rendered from the code so the page cannot drift. */
export function codeTableMarkdown(): string {
  const header = ['| code | FaceID says | reason | default outcome | scope |', '| --- | --- | --- | --- | --- |'];
  const matrix = [
    '| action | field | mode | documented codes |',
    '| --- | --- | --- | --- |',
    `| GetFaceIdResultIntl | Result | liveness | ${codeList('GetFaceIdResultIntl', 'overall', false)} |`,
    `| GetFaceIdResultIntl | Result | compare | ${codeList('GetFaceIdResultIntl', 'overall', true)} |`,
    `| GetLivenessResult | Result | liveness | ${codeList('GetLivenessResult', 'overall', false)} |`,
    `| GetSdkVerificationResult | Result, CompareResult.ErrorCode | any | ${codeList('GetSdkVerificationResult', 'overall', true)} |`,
    `| GetSdkVerificationResult | LiveErrorCode | any | ${codeList('GetSdkVerificationResult', 'liveness', true)} |`,
    `| GetSdkVerificationResult | CompareErrorCode | any | ${codeList('GetSdkVerificationResult', 'compare', true)} |`,
    `| GetWebVerificationResultIntl, GetWebVerificationResult | ErrorCode | any | ${codeList('GetWebVerificationResultIntl', 'overall', true)} |`,
    `| GetWebVerificationResultIntl, GetWebVerificationResult | VerificationDetail codes | any | every ErrorCode above, or empty |`,
  ];
  return [
    '### SDK flows (§5.1: selfie, eKYC, liveness)',
    '',
    ...header,
    ...rows(SDK_FAILING_CODES),
    '',
    '### Web flows (§5.2: web, web-legacy)',
    '',
    ...header,
    ...rows(WEB_FAILING_CODES),
    '',
    '### Where each code may occur',
    '',
    ...matrix,
  ].join('\n');
}

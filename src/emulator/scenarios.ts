/** What the sandbox's end user does with a session, chosen by a test or by a button on the web page. */
export const SCENARIOS = [
  'pass',
  'spoof',
  'liveness_fail',
  'compare_fail',
  'low_similarity',
  'document_warning',
  'document_rejected',
  'abandon',
] as const;

/** One of {@link SCENARIOS}. */
export type Scenario = (typeof SCENARIOS)[number];

/** Which steps a session's configuration runs; a scenario only applies when its step runs. */
export interface Capabilities {
  liveness: boolean;
  compare: boolean;
  document: boolean;
}

/** How a completed session ended. */
export interface Outcome {
  scenario: Scenario;
  /** Similarity of the final attempt, 0-100; defaults per scenario (92.5 pass, 55 low_similarity, 12 compare_fail). */
  similarity?: number;
  /** Device risk level `"1"`..`"4"` for the ENHANCE/PLUS SDK versions. */
  deviceRiskLevel?: string;
  /** Failed attempts before the final one. */
  attempts: number;
}

/** True when `value` names a scenario. */
export function isScenario(value: unknown): value is Scenario {
  return typeof value === 'string' && (SCENARIOS as readonly string[]).includes(value);
}

/** The scenarios that make sense for a session with these steps (others are refused rather than silently ignored). */
export function applicableScenarios(caps: Capabilities): Scenario[] {
  return SCENARIOS.filter((scenario) => {
    switch (scenario) {
      case 'spoof':
      case 'liveness_fail':
        return caps.liveness;
      case 'compare_fail':
      case 'low_similarity':
        return caps.compare;
      case 'document_warning':
      case 'document_rejected':
        return caps.document;
      default:
        return true;
    }
  });
}

/** Descriptions of the SDK-flow result codes (reference §5.1). */
export const RESULT_DESCRIPTIONS: Readonly<Record<string, string>> = {
  '0': 'Success',
  '1002': 'Suspected spoofing attack',
  '1005': 'Liveness detection failed',
  '1201': 'The lighting is too dark or overexposed',
  '2015': 'Face comparison failed',
  '2016': 'The similarity did not reach the passing standard',
  '-999': 'The verification process is not finished',
};

/** The liveness code of the final attempt. */
export function livenessCode(scenario: Scenario): '0' | '1002' | '1005' {
  if (scenario === 'spoof') return '1002';
  if (scenario === 'liveness_fail') return '1005';
  return '0';
}

/** The compare code of the final attempt, or `''` when comparison did not run (liveness failed first). */
export function compareCode(scenario: Scenario): '' | '0' | '2015' | '2016' {
  if (livenessCode(scenario) !== '0') return '';
  if (scenario === 'compare_fail') return '2015';
  if (scenario === 'low_similarity') return '2016';
  return '0';
}

/** The overall result code: the failing step's code, `"0"` when liveness and compare passed (documents aside). */
export function resultCode(scenario: Scenario, caps: Capabilities): string {
  const live = livenessCode(scenario);
  if (live !== '0') return live;
  const compare = caps.compare ? compareCode(scenario) : '0';
  return compare === '' ? '0' : compare;
}

/** Similarity of the final attempt when comparison ran; 0 otherwise. */
export function similarityFor(outcome: Outcome, caps: Capabilities): number {
  if (!caps.compare || compareCode(outcome.scenario) === '') return 0;
  if (outcome.similarity !== undefined) return outcome.similarity;
  if (outcome.scenario === 'low_similarity') return 55;
  if (outcome.scenario === 'compare_fail') return 12;
  return 92.5;
}

/** The document verdict of the final OCR attempt: warnings as in reference §5.5. */
export function documentVerdict(scenario: Scenario): { isPass: boolean; warnings: number[] } {
  if (scenario === 'document_warning') return { isPass: true, warnings: [-9103] };
  if (scenario === 'document_rejected') return { isPass: false, warnings: [-9102, -9104] };
  return { isPass: true, warnings: [] };
}

/** The web flows' integer error codes for unfinished and failed processes (reference §5.2). */
export const WEB_NOT_FINISHED_CODE = 17;

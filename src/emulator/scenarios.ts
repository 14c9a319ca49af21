import { isDocumented, type ResultAction, CAPABILITY_NOT_ENABLED_WARNING, DOCUMENT_WARNING_CODES } from '../faceid';

/** What the sandbox's end user does with a session, chosen by a test or by a button on the web page. */
export const SCENARIOS = [
  'pass',
  'spoof',
  'liveness_fail',
  'liveness_engine_error',
  'no_face',
  'compare_fail',
  'low_similarity',
  'image_size',
  'multiple_faces',
  'incomplete_face',
  'low_resolution',
  'face_occluded',
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

/** True when `value` names a scenario. */
export function isScenario(value: unknown): value is Scenario {
  return typeof value === 'string' && (SCENARIOS as readonly string[]).includes(value);
}

/**
 * The scenarios that make sense for a session with these steps and whose codes FaceID documents for its result action
 * (web flows have no 2017, for one); others are refused rather than silently ignored.
 */
export function applicableScenarios(caps: Capabilities, action: ResultAction): Scenario[] {
  const documented = (scenario: Scenario) =>
    isDocumented(action, 'overall', { compare: caps.compare }, scenarioCode(scenario));
  return SCENARIOS.filter((scenario) => documented(scenario) && stepRuns(scenario, caps));
}

/** Descriptions of the SDK-flow result codes (reference §5.1). */
export const RESULT_DESCRIPTIONS: Readonly<Record<string, string>> = {
  '0': 'Success',
  '1001': 'Failed to call the liveness engine',
  '1002': 'Suspected spoofing attack',
  '1004': 'Face detection failed',
  '1005': 'Liveness detection failed',
  '1201': 'The lighting is too dark or overexposed',
  '2004': 'The size of the input image is too large or too small',
  '2012': 'Several faces were detected',
  '2013': 'No face or an incomplete face was detected',
  '2014': 'The image resolution is too low or the quality is poor',
  '2015': 'Face comparison failed',
  '2016': 'The similarity did not reach the passing standard',
  '2017': 'The face is occluded',
  '-999': 'The verification process is not finished',
};

/**
 * The step each scenario fails and, for the liveness and compare steps, its overall code (reference §5.1; the web
 * flows' §5.2 uses the same numbers). Scenarios not listed fail no step.
 */
const SCENARIO_FAILURES: Partial<Record<Scenario, { step: keyof Capabilities; code?: string }>> = {
  spoof: { step: 'liveness', code: '1002' },
  liveness_fail: { step: 'liveness', code: '1005' },
  liveness_engine_error: { step: 'liveness', code: '1001' },
  no_face: { step: 'liveness', code: '1004' },
  compare_fail: { step: 'compare', code: '2015' },
  low_similarity: { step: 'compare', code: '2016' },
  image_size: { step: 'compare', code: '2004' },
  multiple_faces: { step: 'compare', code: '2012' },
  incomplete_face: { step: 'compare', code: '2013' },
  low_resolution: { step: 'compare', code: '2014' },
  face_occluded: { step: 'compare', code: '2017' },
  document_warning: { step: 'document' },
  document_rejected: { step: 'document' },
};

/** Whether the step a scenario fails runs in a session with these steps (a scenario failing none always applies). */
function stepRuns(scenario: Scenario, caps: Capabilities): boolean {
  const step = SCENARIO_FAILURES[scenario]?.step;
  return step === undefined || caps[step];
}

/** The overall result code a finishing scenario plays: its failing check's code, `"0"` for the others. */
export function scenarioCode(scenario: Scenario): string {
  return SCENARIO_FAILURES[scenario]?.code ?? '0';
}

/**
 * How a session treats document warnings (`DisableCheckOcrWarnings`, `SelectedWarningCodes`; reference §3.3, §4.7):
 * with checks on (FaceID's default), a selected warning fails the attempt and the OCR data is withheld.
 */
export interface WarningChecks {
  enabled: boolean;
  /** The codes that block; empty means every code. */
  selected: readonly number[];
}

/**
 * The warning checks a token request asks for. FaceID applies them to Hong Kong and Malaysian ID cards and passports
 * only (`supportedCard`); elsewhere warnings are reported without blocking.
 */
export function warningChecks(
  disableChecks: boolean | undefined,
  selected: readonly number[] | undefined,
  supportedCard: boolean,
): WarningChecks {
  return { enabled: supportedCard && disableChecks !== true, selected: selected ?? [] };
}

/**
 * The warning codes `SelectedWarningCodes` can name (reference §3.3, where an empty list means all of these). -9109
 * says the account lacks the capability, not that the document is doubtful, so no check blocks on it.
 */
export const BLOCKABLE_WARNINGS: readonly number[] = Object.keys(DOCUMENT_WARNING_CODES)
  .filter((code) => code !== CAPABILITY_NOT_ENABLED_WARNING)
  .map(Number);

/** Whether the session's warning checks block on any of `warnings` (FaceID then withholds the OCR data). */
export function blocksOn(checks: WarningChecks, warnings: readonly number[]): boolean {
  return (
    checks.enabled &&
    warnings.some(
      (code) => BLOCKABLE_WARNINGS.includes(code) && (checks.selected.length === 0 || checks.selected.includes(code)),
    )
  );
}

/** The final OCR attempt a scenario plays: its warnings, and whether it fails whatever the checks say. */
export function scenarioDocument(scenario: Scenario): { warnings: number[]; rejected: boolean } {
  if (scenario === 'document_warning') return { warnings: [-9103], rejected: false };
  if (scenario === 'document_rejected') return { warnings: [-9102, -9104], rejected: true };
  return { warnings: [], rejected: false };
}

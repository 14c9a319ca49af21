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
      case 'liveness_engine_error':
      case 'no_face':
        return caps.liveness;
      case 'compare_fail':
      case 'low_similarity':
      case 'image_size':
      case 'multiple_faces':
      case 'incomplete_face':
      case 'low_resolution':
      case 'face_occluded':
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

/** Liveness codes of the scenarios whose liveness step fails (reference §5.1). */
const LIVENESS_CODES: Partial<Record<Scenario, string>> = {
  spoof: '1002',
  liveness_fail: '1005',
  liveness_engine_error: '1001',
  no_face: '1004',
};

/** Compare codes of the scenarios whose comparison fails (reference §5.1). */
const COMPARE_CODES: Partial<Record<Scenario, string>> = {
  compare_fail: '2015',
  low_similarity: '2016',
  image_size: '2004',
  multiple_faces: '2012',
  incomplete_face: '2013',
  low_resolution: '2014',
  face_occluded: '2017',
};

/** The liveness code of the final attempt. */
export function livenessCode(scenario: Scenario): string {
  return LIVENESS_CODES[scenario] ?? '0';
}

/** The compare code of the final attempt, or `''` when comparison did not run (liveness failed first). */
export function compareCode(scenario: Scenario): string {
  if (livenessCode(scenario) !== '0') return '';
  return COMPARE_CODES[scenario] ?? '0';
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
  // The faces could not be compared at all (size, several or no faces, quality, occlusion).
  if (compareCode(outcome.scenario) !== '0') return 0;
  return 92.5;
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

/** The document verdict of the final OCR attempt: warnings as in reference §5.5. */
export function documentVerdict(scenario: Scenario, checks: WarningChecks): { isPass: boolean; warnings: number[] } {
  if (scenario === 'document_warning') {
    const warnings = [-9103];
    const blocks =
      checks.enabled && warnings.some((code) => checks.selected.length === 0 || checks.selected.includes(code));
    return { isPass: !blocks, warnings };
  }
  if (scenario === 'document_rejected') return { isPass: false, warnings: [-9102, -9104] };
  return { isPass: true, warnings: [] };
}

/** The web flows' integer error codes for unfinished and failed processes (reference §5.2). */
export const WEB_NOT_FINISHED_CODE = 17;

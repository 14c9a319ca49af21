import { failingCode, isWebAction, type ResultAction } from '../faceid';
import { RESULT_DESCRIPTIONS, type Scenario } from './scenarios';
import type { Flow } from './sessions';

/** The result action that reads each flow's sessions. */
const RESULT_ACTIONS: Readonly<Record<Flow, ResultAction>> = {
  selfie: 'GetFaceIdResultIntl',
  ekyc: 'GetSdkVerificationResult',
  liveness: 'GetLivenessResult',
  web: 'GetWebVerificationResultIntl',
  'web-legacy': 'GetWebVerificationResult',
};

/** The FaceID action whose answer a session of `flow` produces. */
export function resultActionOf(flow: Flow): ResultAction {
  return RESULT_ACTIONS[flow];
}

/** The final OCR attempt of a session with a document step. */
export interface DocumentOutcome {
  /** `IsPass`; `null` plays FaceID's nullable field. The OCR data is withheld only when it is `false`. */
  isPass: boolean | null;
  warnings: number[];
  /** The user edited the OCR result (eKYC `IsEdit`, with one synthetic `EditDetails` entry). */
  edited: boolean;
  /** A warning the session's checks block on: the OCR data is withheld and the session ends before liveness. */
  blocked: boolean;
}

/** What a finished session's end user produced, resolved once at completion; the result actions only render it. */
export interface Outcome {
  /** The scenario played, or `null` when the completion gave a result code. */
  scenario: Scenario | null;
  /** The overall code as a string (`"0"`, `"1002"`, `"15"`); the web flows answer it as a number. */
  resultCode: string;
  /**
   * The final attempt's detail codes. `null` is an absent field; eKYC also has `""` (FaceID's "not run"), which the
   * web flows show as `null`.
   */
  liveness: string | null;
  compare: string | null;
  /** Whether the final liveness attempt is listed: a web process code (1–16, 202) ends the process before one. */
  finalAttempt: boolean;
  /** Similarity of the final attempt, 0–100. */
  similarity: number;
  /** Device risk level `"1"`..`"4"` for the ENHANCE/PLUS SDK versions. */
  deviceRiskLevel?: string;
  /** Failed attempts before the final one. */
  attempts: number;
  /** The final OCR attempt, for sessions with a document step. */
  document: DocumentOutcome | null;
  /** `Extra` to answer instead of the token request's. */
  extra?: string;
}

const capitalized = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * The text given with `code` in `action`'s answers: for the web flows the meaning in their own table (§5.2, whose 1201
 * says "too dark" beside 1202 "too bright"), for the SDK flows the texts of reference §5.1.
 */
export function describeCode(action: ResultAction, code: string): string {
  const meaning = failingCode(action, code)?.meaning;
  if (isWebAction(action) && meaning !== undefined) return capitalized(meaning);
  return RESULT_DESCRIPTIONS[code] ?? (meaning === undefined ? '' : capitalized(meaning));
}

/** The message beside a detail code: empty or absent when the code is. */
export function detailMessage(action: ResultAction, code: string | null): string | null {
  if (code === null || code === '') return code;
  return describeCode(action, code);
}

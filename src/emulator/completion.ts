import {
  DOCUMENT_WARNING_CODES,
  SDK_NOT_FINISHED_CODE,
  WEB_NOT_FINISHED_CODE,
  documentedCodes,
  failingCode,
  isWebAction,
  reportsDetails,
  type CodeMode,
  type ResultAction,
} from '../faceid';
import { numberField } from './number-field';
import { resultActionOf, type DocumentOutcome, type Outcome } from './outcome';
import {
  SCENARIOS,
  applicableScenarios,
  blocksOn,
  isScenario,
  scenarioCode,
  scenarioDocument,
  type Scenario,
  type WarningChecks,
} from './scenarios';
import type { CompletionRefusal, Session } from './sessions';
import type { EmulatorState } from './state';

/** Body of `POST /sandbox/sessions/{token}/complete` (and of the web page's forms, once typed). */
export interface CompletionBody {
  /** A friendly name for a common case; give this or `resultCode`. */
  scenario?: Scenario;
  /** The overall code: a string for the SDK flows, a number (or numeric string) for the web flows. */
  resultCode?: string | number;
  /** The final attempt's detail codes (eKYC and web flows only). */
  codes?: { liveness?: string | number | null; compare?: string | number | null };
  /** The final OCR attempt (sessions with a document step). */
  ocr?: { isPass?: boolean | null; warnings?: number[]; edited?: boolean };
  /** `Extra` to answer instead of the token request's. */
  extra?: string;
  similarity?: number;
  deviceRiskLevel?: '1' | '2' | '3' | '4';
  attempts?: number;
}

const BODY_FIELDS = [
  'scenario',
  'resultCode',
  'codes',
  'ocr',
  'extra',
  'similarity',
  'deviceRiskLevel',
  'attempts',
] as const;

/** A completion the session cannot play; becomes a 400 naming why. */
class Invalid extends Error {}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function onlyFields(object: Record<string, unknown>, allowed: readonly string[], where: string): void {
  const unknown = Object.keys(object).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) throw new Invalid(`${where} has unknown field ${unknown[0]}; it takes ${allowed.join(', ')}`);
}

function numberIn(body: Record<string, unknown>, name: string, min: number, max: number, integer = false) {
  return numberField(body, name, { min, max, integer }, (message) => new Invalid(message));
}

/** The session's mode for the matrix, and its name in messages. */
const modeOf = (session: Session): CodeMode => ({ compare: session.caps.compare });
const modeName = (mode: CodeMode): string => (mode.compare ? 'compare' : 'liveness');
const listed = (codes: readonly (string | null)[]): string => codes.map((code) => code ?? 'null').join(', ');

/** A code as the matrix spells it: strings for both tables (the web flows' numbers as decimal strings). */
function codeText(action: ResultAction, value: unknown, what: string): string {
  if (isWebAction(action)) {
    if (typeof value === 'number' && Number.isInteger(value)) return String(value);
    if (typeof value === 'string' && /^-?\d+$/.test(value)) return String(Number(value));
    throw new Invalid(`${what} must be a number for ${action} (FaceID answers ErrorCode as an integer)`);
  }
  if (typeof value === 'string') return value;
  throw new Invalid(`${what} must be a string for ${action} (FaceID answers Result as a String)`);
}

function overallCode(action: ResultAction, mode: CodeMode, value: unknown): string {
  const code = codeText(action, value, 'resultCode');
  if (code === SDK_NOT_FINISHED_CODE || (isWebAction(action) && code === WEB_NOT_FINISHED_CODE)) {
    throw new Invalid(
      `resultCode ${code} means the process is not finished; a completed session has a final code (scenario abandon leaves it unfinished)`,
    );
  }
  const documented = documentedCodes(action, 'overall', mode);
  if (!documented.includes(code)) {
    throw new Invalid(
      `resultCode ${code} is not documented for ${action} in ${modeName(mode)} mode (documented: ${listed(documented)})`,
    );
  }
  return code;
}

/** One detail code: eKYC takes strings (`""` is FaceID's "not run"), the web flows integers; both take null. */
function detailCode(
  action: ResultAction,
  mode: CodeMode,
  field: 'liveness' | 'compare',
  value: unknown,
): string | null {
  if (value === null) return null;
  const web = isWebAction(action);
  let code: string;
  if (web && typeof value === 'number' && Number.isInteger(value)) code = String(value);
  else if (!web && typeof value === 'string') code = value;
  else throw new Invalid(`codes.${field} must be ${web ? 'an integer' : 'a string'} or null for ${action}`);
  const documented = documentedCodes(action, field, mode);
  // The matrix treats "" as absent, like null.
  if (!documented.includes(code === '' ? null : code)) {
    throw new Invalid(
      `codes.${field} ${code === '' ? '""' : code} is not documented for ${action} in ${modeName(mode)} mode (documented: ${listed(documented)})`,
    );
  }
  return code;
}

interface Details {
  liveness: string | null;
  compare: string | null;
  finalAttempt: boolean;
}

/**
 * The detail codes FaceID documents with an overall code: a 1xxx code fails liveness and leaves compare not run, a
 * 2xxx code passes liveness and fails compare, 0 passes both (compare not run without a compare step), and a web
 * process code ends the process before a final attempt.
 */
function detailsFor(action: ResultAction, session: Session, code: string): Details {
  const notRun = isWebAction(action) ? null : '';
  if (failingCode(action, code)?.scope === 'process') return { liveness: null, compare: null, finalAttempt: false };
  if (code === '0') return { liveness: '0', compare: session.caps.compare ? '0' : notRun, finalAttempt: true };
  if (code.startsWith('1')) return { liveness: code, compare: notRun, finalAttempt: true };
  return { liveness: '0', compare: code, finalAttempt: true };
}

function givenDetails(action: ResultAction, session: Session, code: string, codes: unknown): Details {
  const implied = detailsFor(action, session, code);
  if (codes === undefined) return implied;
  if (!reportsDetails(action)) {
    throw new Invalid(`codes do not apply to ${action}: its answer has no detail codes, only the overall resultCode`);
  }
  if (!session.caps.liveness) throw new Invalid('codes do not apply: this session runs no liveness attempt');
  if (!isRecord(codes)) throw new Invalid('codes must be an object { liveness?, compare? }');
  onlyFields(codes, ['liveness', 'compare'], 'codes');
  const mode = modeOf(session);
  const liveness = 'liveness' in codes ? detailCode(action, mode, 'liveness', codes.liveness) : implied.liveness;
  const livenessFailed = liveness !== null && liveness !== '' && liveness !== '0';
  // A failing liveness detail means compare never ran, whatever the overall code implies.
  const compareDefault = livenessFailed ? (isWebAction(action) ? null : '') : implied.compare;
  const compare = 'compare' in codes ? detailCode(action, mode, 'compare', codes.compare) : compareDefault;
  return { liveness, compare, finalAttempt: true };
}

/** Codes of a comparison that ran but found different people: the faces were compared, so a low similarity. */
const COMPARED_BUT_DIFFERENT = ['2011', '2015'];

/**
 * Similarity of the final attempt, from its compare code: the given one (or 92.5) when compare passed, the given one
 * (or 55) below the threshold, 12 for a failed comparison, 0 when compare did not run or the faces could not be compared.
 */
function similarityFor(compare: string | null, given: number | undefined): number {
  if (compare === '0') return given ?? 92.5;
  if (compare === '2016') return given ?? 55;
  if (compare !== null && COMPARED_BUT_DIFFERENT.includes(compare)) return given ?? 12;
  return 0;
}

function documentFor(session: Session, scenario: Scenario | null, ocr: unknown): DocumentOutcome | null {
  const action = resultActionOf(session.flow);
  if (!session.caps.document) {
    if (ocr !== undefined) throw new Invalid(`ocr does not apply: this ${session.flow} session has no document step`);
    return null;
  }
  const played = scenarioDocument(scenario ?? 'pass');
  const checks = session.options.warningChecks as WarningChecks;
  if (ocr === undefined) {
    const blocked = blocksOn(checks, played.warnings);
    return { isPass: !(blocked || played.rejected), warnings: played.warnings, edited: false, blocked };
  }
  if (scenario === 'document_warning' || scenario === 'document_rejected') {
    throw new Invalid(`ocr does not combine with scenario ${scenario}, which plays the OCR attempt itself`);
  }
  if (!isRecord(ocr)) throw new Invalid('ocr must be an object { isPass?, warnings?, edited? }');
  onlyFields(ocr, ['isPass', 'warnings', 'edited'], 'ocr');
  const { isPass, warnings = [], edited = false } = ocr;
  if (isPass !== undefined && isPass !== null && typeof isPass !== 'boolean')
    throw new Invalid('ocr.isPass must be true, false or null');
  if (
    !Array.isArray(warnings) ||
    !warnings.every((code) => String(code) in DOCUMENT_WARNING_CODES && Number.isInteger(code))
  ) {
    throw new Invalid(
      `ocr.warnings must be a list of warning codes: ${Object.keys(DOCUMENT_WARNING_CODES).join(', ')}`,
    );
  }
  if (typeof edited !== 'boolean') throw new Invalid('ocr.edited must be true or false');
  if (edited && isWebAction(action))
    throw new Invalid(`ocr.edited does not apply to ${action}: its OCRResult has no IsEdit`);
  const codes = warnings as number[];
  const blocked = blocksOn(checks, codes);
  if (blocked && isPass !== undefined && isPass !== false) {
    throw new Invalid(
      `ocr.warnings ${codes.join(', ')} block under this session's warning checks, so the attempt fails: give isPass false or leave it out`,
    );
  }
  return { isPass: isPass === undefined ? !blocked : isPass, warnings: codes, edited, blocked };
}

function extraFor(action: ResultAction, extra: unknown): string | undefined {
  if (extra === undefined) return undefined;
  if (action === 'GetLivenessResult' || action === 'GetWebVerificationResult')
    throw new Invalid(`extra does not apply to ${action}: its answer has no Extra`);
  if (typeof extra !== 'string') throw new Invalid('extra must be a string');
  return extra;
}

function chosenScenario(session: Session, value: unknown): Scenario {
  if (!isScenario(value)) throw new Invalid(`scenario must be one of ${SCENARIOS.join(', ')}`);
  const applicable = applicableScenarios(session.caps, resultActionOf(session.flow));
  if (!applicable.includes(value)) {
    throw new Invalid(
      `scenario ${value} does not apply to this ${session.flow} session; use one of ${applicable.join(', ')}`,
    );
  }
  return value;
}

function resolve(session: Session, body: Record<string, unknown>): Outcome | 'abandon' {
  onlyFields(body, BODY_FIELDS, 'the body');
  const action = resultActionOf(session.flow);
  const given = (name: string) => body[name] !== undefined;
  if (given('scenario') === given('resultCode')) throw new Invalid('give either scenario or resultCode');
  const deviceRiskLevel = body.deviceRiskLevel;
  if (deviceRiskLevel !== undefined && !['1', '2', '3', '4'].includes(deviceRiskLevel as string)) {
    throw new Invalid('deviceRiskLevel must be "1", "2", "3" or "4"');
  }
  const similarity = numberIn(body, 'similarity', 0, 100);
  const attempts = numberIn(body, 'attempts', 0, 10, true) ?? 0;
  const scenario = given('scenario') ? chosenScenario(session, body.scenario) : null;
  if (scenario === 'abandon') {
    if (given('codes') || given('ocr') || given('extra'))
      throw new Invalid('abandon leaves the session unfinished: codes, ocr and extra do not apply');
    return 'abandon';
  }
  if (scenario !== null && given('codes')) throw new Invalid('codes go with resultCode, not with a scenario');
  const code = scenario === null ? overallCode(action, modeOf(session), body.resultCode) : scenarioCode(scenario);
  const document = documentFor(session, scenario, body.ocr);
  if (document?.blocked && given('codes')) {
    throw new Invalid('the session stops at the blocked OCR attempt: no liveness attempt carries codes');
  }
  const details = givenDetails(action, session, code, body.codes);
  return {
    scenario,
    resultCode: code,
    ...details,
    similarity: similarityFor(details.compare, similarity),
    deviceRiskLevel: deviceRiskLevel as string | undefined,
    attempts,
    document,
    extra: extraFor(action, body.extra),
  };
}

/** Checks a completion body against the session (the matrix of `result-codes.ts`) and resolves what it plays. */
export function resolveCompletion(
  session: Session,
  body: Record<string, unknown>,
): Outcome | 'abandon' | CompletionRefusal {
  try {
    return resolve(session, body);
  } catch (error) {
    if (error instanceof Invalid) return { status: 400, error: error.message };
    throw error;
  }
}

/** Finishes (or abandons) a session as the body says: the one completion path of the controls and the web page. */
export function completeSession(
  state: EmulatorState,
  token: string,
  body: Record<string, unknown>,
): Session | CompletionRefusal {
  return state.sessions.complete(token, (session) => resolveCompletion(session, body), state.clock.nowMs());
}

/** The overall codes a session may be completed with, typed as its result action answers them. */
export function applicableResultCodes(session: Session): (string | number)[] {
  const action = resultActionOf(session.flow);
  const codes = documentedCodes(action, 'overall', modeOf(session)).filter((code): code is string => code !== null);
  return isWebAction(action) ? codes.map(Number) : codes;
}

/** The detail codes `codes` accepts for a session (`null` = absent), or `null` when its answers have none. */
export function applicableDetailCodes(
  session: Session,
): { liveness: (string | number | null)[]; compare: (string | number | null)[] } | null {
  const action = resultActionOf(session.flow);
  if (!reportsDetails(action) || !session.caps.liveness) return null;
  const typed = (field: 'liveness' | 'compare') =>
    documentedCodes(action, field, modeOf(session)).map((code) =>
      code !== null && isWebAction(action) ? Number(code) : code,
    );
  return { liveness: typed('liveness'), compare: typed('compare') };
}

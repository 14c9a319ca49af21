/**
 * FaceID's documented result codes: what each means for a journey (its reason code and default action), and where each
 * may occur (the matrix the decision and the sandbox check against). Derived once from reference §5.1, §5.2 and §4.2,
 * §4.4; `docs/decisions.md` shows the same table. Plain data and pure functions with no imports, so the workflow bundle
 * and the emulator can both use it.
 */

/** What a documented failing code does to a journey unless the policy says otherwise. */
export type CodeAction = 'reject' | 'review' | 'expire';

/** One documented failing code's meaning. */
export interface CodeMeaning {
  /** The stable reason code the journey's outcome carries. */
  readonly reason: string;
  readonly action: CodeAction;
  /**
   * `check`: the code names a failed liveness or compare check, so a flow that reports detail codes must show a
   * failing detail too; `process`: the process itself ended (token expired, too many attempts, a system error) and no
   * detail need agree.
   */
  readonly scope: 'check' | 'process';
  /** FaceID's own description, paraphrased from the reference. */
  readonly meaning: string;
}

const reject = (reason: string, meaning: string): CodeMeaning => ({
  reason,
  action: 'reject',
  scope: 'check',
  meaning,
});
const processEnd = (reason: string, meaning: string, action: CodeAction = 'reject'): CodeMeaning => ({
  reason,
  action,
  scope: 'process',
  meaning,
});

/** The success code of every table. */
export const SUCCESS_CODE = '0';

/** SDK flows' "process not finished" (GetFaceIdResultIntl; the emulator also answers it for the other SDK flows). */
export const SDK_NOT_FINISHED_CODE = '-999';

/** Web flows' "process not finished" (§5.2 code 17). */
export const WEB_NOT_FINISHED_CODE = '17';

/**
 * §5.1: the SDK flows' result codes (GetFaceIdResultIntl, GetSdkVerificationResult, GetLivenessResult, CompareResult),
 * strings. 1001 is FaceID's engine failing rather than the person: the backend may offer a new journey.
 */
export const SDK_FAILING_CODES: Readonly<Record<string, CodeMeaning>> = {
  '1001': reject('liveness_engine_error', 'liveness engine call failed'),
  '1002': reject('liveness_spoof', 'suspected spoof or re-recording'),
  '1004': reject('face_not_detected', 'face detection failed'),
  '1005': reject('liveness_failed', 'liveness failed'),
  '1201': reject('lighting_poor', 'lighting too dark or overexposed'),
  '2004': reject('face_image_size_invalid', 'input image too large or too small'),
  '2012': reject('multiple_faces', 'multiple faces'),
  '2013': reject('face_incomplete', 'no face or an incomplete face'),
  '2014': reject('face_image_quality_low', 'resolution or quality too low'),
  '2015': reject('compare_failed', 'face comparison failed'),
  '2016': reject('similarity_below_threshold', 'similarity below the pass threshold'),
  '2017': reject('face_occluded', 'face occluded'),
};

/**
 * §5.2: the web flows' numeric `ErrorCode` values (GetWebVerificationResultIntl, GetWebVerificationResult), as strings.
 * 15 ends the journey `expired`; 14 is a state no finished journey should see, so a person looks at it.
 */
export const WEB_FAILING_CODES: Readonly<Record<string, CodeMeaning>> = {
  '1': processEnd('web_parameters_missing', 'missing parameters'),
  '2': processEnd('web_parameters_invalid', 'bad parameters'),
  '3': processEnd('web_service_request_invalid', 'invalid service request'),
  '4': processEnd('faceid_system_error', 'system error'),
  '8': processEnd('media_store_failed', 'file store failed'),
  '9': processEnd('media_format_invalid', 'bad file format'),
  '10': processEnd('media_system_error', 'file system error'),
  '11': processEnd('media_system_timeout', 'file system timeout'),
  '14': processEnd('verification_already_finished', 'verification already finished', 'review'),
  '15': processEnd('token_expired', 'token expired', 'expire'),
  '16': processEnd('too_many_attempts', 'too many attempts'),
  '202': processEnd('video_fetch_failed', 'video fetch failed'),
  '1001': reject('liveness_engine_error', 'liveness engine error'),
  '1002': reject('liveness_spoof', 'suspected spoof'),
  '1003': reject('video_liveness_failed', 'video real-person check failed'),
  '1004': reject('face_not_detected', 'face detection failed'),
  '1005': reject('liveness_failed', 'liveness failed'),
  '1101': reject('voice_missing', 'no voice'),
  '1102': reject('face_not_exposed', 'face not fully exposed'),
  '1103': reject('voice_recognition_failed', 'voice recognition failed'),
  '1104': reject('video_format_invalid', 'bad video format'),
  '1105': reject('video_pull_failed', 'video pull failed'),
  '1106': reject('volume_too_low', 'volume too low'),
  '1107': reject('video_size_invalid', 'video empty or of a bad size'),
  '1108': reject('video_resolution_low', 'video resolution too low'),
  '1109': reject('lip_movement_small', 'lip movement too small'),
  '1201': reject('lighting_too_dark', 'too dark'),
  '1202': reject('lighting_too_bright', 'too bright'),
  '1203': reject('face_too_close', 'too close'),
  '1204': reject('face_too_far_right', 'too far right'),
  '1205': reject('face_too_far', 'too far'),
  '1206': reject('face_too_far_left', 'too far left'),
  '1207': reject('eye_close_missing', 'no eye-close'),
  '1208': reject('first_action_missing', 'first action not detected'),
  '1209': reject('mouth_open_missing', 'no mouth-open'),
  '1210': reject('full_face_missing', 'no full face'),
  '1301': reject('real_person_check_failed', 'real-person check failed'),
  '1302': reject('liveness_below_threshold', 'below threshold'),
  '1303': reject('video_too_short', 'video shorter than 2 s'),
  '1401': reject('reflection_liveness_failed', 'reflection liveness failed'),
  '2001': reject('compare_engine_error', 'compare engine error'),
  '2004': reject('face_image_size_invalid', 'image size wrong'),
  '2009': reject('image_resolution_low', 'image resolution too low'),
  '2010': reject('face_extraction_failed', 'face extraction failed'),
  '2011': reject('real_person_compare_failed', 'real-person comparison failed'),
  '2012': reject('multiple_faces', 'multiple faces'),
  '2013': reject('face_incomplete', 'no full face'),
  '2014': reject('face_image_quality_low', 'resolution too low'),
  '2015': reject('compare_failed', 'comparison failed'),
  '2016': reject('similarity_below_threshold', 'similarity below threshold'),
};

const SDK_LIVENESS_CODES = ['0', '1001', '1002', '1004', '1005', '1201'] as const;
const SDK_LIVENESS_ONLY_SELFIE_CODES = [...SDK_LIVENESS_CODES, '2012', '2013', '2014', '2017'] as const;
const SDK_ALL_CODES = [SUCCESS_CODE, ...Object.keys(SDK_FAILING_CODES)];
const SDK_COMPARE_DETAIL_CODES = ['0', '2004', '2012', '2013', '2014', '2015', '2016', '2017'] as const;
const WEB_ALL_CODES = [SUCCESS_CODE, WEB_NOT_FINISHED_CODE, ...Object.keys(WEB_FAILING_CODES)];

/** The result actions whose codes a journey decides on. */
export type ResultAction =
  | 'GetFaceIdResultIntl'
  | 'GetSdkVerificationResult'
  | 'GetLivenessResult'
  | 'GetWebVerificationResultIntl'
  | 'GetWebVerificationResult';

/** Where a code sits in a result: the overall code, or a detail code of the last attempt. */
export type CodeField = 'overall' | 'attempt' | 'liveness' | 'compare';

/** Which mode the session ran in: whether FaceID was asked to compare faces. */
export interface CodeMode {
  compare: boolean;
}

/** Whether `action`'s answers carry detail codes (eKYC's last CompareResult, the web flows' last VerificationDetail). */
export function reportsDetails(action: ResultAction): boolean {
  return action !== 'GetFaceIdResultIntl' && action !== 'GetLivenessResult';
}

/** Whether `action` answers with the web flows' numeric codes (§5.2) rather than the SDK flows' strings (§5.1). */
export function isWebAction(action: ResultAction): boolean {
  return action === 'GetWebVerificationResultIntl' || action === 'GetWebVerificationResult';
}

/**
 * The codes FaceID documents for `field` of `action` in `mode`, finished answers only (the matrix): `null` in the list
 * means the field may be absent or empty. The unfinished codes (-999, 17) are not in it.
 */
export function documentedCodes(action: ResultAction, field: CodeField, mode: CodeMode): readonly (string | null)[] {
  if (isWebAction(action)) {
    const finished = WEB_ALL_CODES.filter((code) => code !== WEB_NOT_FINISHED_CODE);
    return field === 'overall' ? finished : [...finished, null];
  }
  if (action === 'GetFaceIdResultIntl') {
    if (field !== 'overall') return [];
    return mode.compare ? SDK_ALL_CODES : SDK_LIVENESS_ONLY_SELFIE_CODES;
  }
  if (action === 'GetLivenessResult') return field === 'overall' ? SDK_LIVENESS_CODES : [];
  // GetSdkVerificationResult. The SDK's models give null for any absent field; S0 shows "" for a compare not run.
  if (field === 'overall' || field === 'attempt') return SDK_ALL_CODES;
  if (field === 'liveness') return [...SDK_LIVENESS_CODES, null];
  return [...SDK_COMPARE_DETAIL_CODES, null];
}

/** The meaning of a failing code in `action`'s table, or `undefined` for success and undocumented codes. */
export function failingCode(action: ResultAction, code: string): CodeMeaning | undefined {
  const table = isWebAction(action) ? WEB_FAILING_CODES : SDK_FAILING_CODES;
  return Object.prototype.hasOwnProperty.call(table, code) ? table[code] : undefined;
}

/** Whether `code` is documented for `field` of `action` in `mode`. */
export function isDocumented(action: ResultAction, field: CodeField, mode: CodeMode, code: string | null): boolean {
  return documentedCodes(action, field, mode).includes(code);
}

/** §5.5: document warning codes. -9109 is a configuration fault of the account, not a finding about the document. */
export const DOCUMENT_WARNING_CODES: Readonly<Record<string, string>> = {
  '-9101': 'border incomplete or occluded',
  '-9102': 'photocopy',
  '-9103': 'screen recapture',
  '-9104': 'edited',
  '-9107': 'glare',
  '-9108': 'blur',
  '-9109': 'capability not enabled',
  '-9901': 'other',
};

/** The warning code that says the account lacks the capability, not that the document is doubtful. */
export const CAPABILITY_NOT_ENABLED_WARNING = '-9109';

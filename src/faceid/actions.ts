/**
 * The FaceID actions this service calls, with their regions and quotas, and the documents FaceID checks.
 * Plain data with no imports, so the workflow bundle and the emulator can import it without pulling in zod or the SDK.
 */

/** Every region in which FaceID international serves at least one of the actions below. */
export const FACEID_REGIONS = ['ap-bangkok', 'ap-hongkong', 'ap-jakarta', 'ap-singapore', 'sa-saopaulo'] as const;

/** A FaceID international region name. */
type FaceIdRegion = (typeof FACEID_REGIONS)[number];

/** API version shared by every FaceID action. */
export const FACEID_API_VERSION = '2018-03-01';

/** Default per-action quota in requests per second (every action page states 20/s; the card actions state none). */
export const DEFAULT_QUOTA_PER_SECOND = 20;

const ALL_REGIONS = FACEID_REGIONS;
const HK_JAKARTA_SINGAPORE = ['ap-hongkong', 'ap-jakarta', 'ap-singapore'] as const;
const JAKARTA_SINGAPORE = ['ap-jakarta', 'ap-singapore'] as const;

/** Static facts about one FaceID action. */
export interface FaceIdActionSpec {
  /** Tencent's action name, sent as `X-TC-Action`. */
  readonly name: string;
  /** Regions the newest documentation allows for the action. */
  readonly regions: readonly FaceIdRegion[];
  /** Default quota in requests per second; the worker's task-queue rate limit starts from it. */
  readonly quotaPerSecond: number;
  /** Whether the typed client of SDK 3.0.1335 has a method for it (the other four exist only via CommonClient). */
  readonly sdkTyped: boolean;
}

/** One action's facts; every action takes the default quota (the card actions' pages state none). */
function spec<const Name extends string, const Regions extends readonly FaceIdRegion[]>(
  name: Name,
  regions: Regions,
  sdkTyped: boolean,
) {
  return { name, regions, quotaPerSecond: DEFAULT_QUOTA_PER_SECOND, sdkTyped };
}

/**
 * The twelve FaceID actions, keyed by name; regions follow the newest doc page of each action (reference §1).
 * GetSdkVerificationResult lists no restriction in its 2025 pages, so it gets the five regions of its token action.
 */
export const FACEID_ACTIONS = {
  GetFaceIdTokenIntl: spec('GetFaceIdTokenIntl', ALL_REGIONS, true),
  GetFaceIdResultIntl: spec('GetFaceIdResultIntl', ALL_REGIONS, true),
  ApplySdkVerificationToken: spec('ApplySdkVerificationToken', ALL_REGIONS, true),
  GetSdkVerificationResult: spec('GetSdkVerificationResult', ALL_REGIONS, true),
  ApplyLivenessToken: spec('ApplyLivenessToken', HK_JAKARTA_SINGAPORE, true),
  GetLivenessResult: spec('GetLivenessResult', HK_JAKARTA_SINGAPORE, true),
  ApplyWebVerificationBizTokenIntl: spec('ApplyWebVerificationBizTokenIntl', ALL_REGIONS, true),
  GetWebVerificationResultIntl: spec('GetWebVerificationResultIntl', ALL_REGIONS, true),
  ApplyWebVerificationToken: spec('ApplyWebVerificationToken', JAKARTA_SINGAPORE, false),
  GetWebVerificationResult: spec('GetWebVerificationResult', JAKARTA_SINGAPORE, false),
  ApplyCardVerification: spec('ApplyCardVerification', HK_JAKARTA_SINGAPORE, false),
  GetCardVerificationResult: spec('GetCardVerificationResult', HK_JAKARTA_SINGAPORE, false),
} as const satisfies Record<string, FaceIdActionSpec>;

/** Name of one of the twelve FaceID actions. */
export type FaceIdAction = keyof typeof FACEID_ACTIONS;

/** The twelve action names, in table order. */
export const FACEID_ACTION_NAMES = Object.keys(FACEID_ACTIONS) as FaceIdAction[];

/** Whether `value` names one of the twelve actions. */
export function isFaceIdAction(value: string): value is FaceIdAction {
  return Object.prototype.hasOwnProperty.call(FACEID_ACTIONS, value);
}

/** Whether `action` may be called in `region`; the client checks this before any network call. */
export function isRegionAllowed(action: FaceIdAction, region: string): boolean {
  return (FACEID_ACTIONS[action].regions as readonly string[]).includes(region);
}

/** Lifetime in seconds of the temporary media URLs (FileInfo.Url, legacy web VideoUrl) a result returns. */
export const MEDIA_URL_LIFETIME_SECONDS = 600;

/**
 * ApplyCardVerification `Nationality` values (reference §3.11): the documents FaceID checks, or `AUTO` to detect.
 * `PHL` is in the support table though the parameter's row leaves it out.
 */
export const CARD_NATIONALITIES = [
  'IDN',
  'HKG',
  'THA',
  'MYS',
  'SGP',
  'PHL',
  'JPN',
  'TWN',
  'BGD',
  'NGA',
  'PAK',
  'AUTO',
] as const;

/** A document's nationality as ApplyCardVerification takes it. */
type CardNationality = (typeof CARD_NATIONALITIES)[number];

/** The documents whose back FaceID reads too (reference §3.11, the "Y" rows), by card type. */
export const CARD_BACK_REQUIRED: Readonly<Record<'ID_CARD' | 'DRIVING_LICENSE', readonly CardNationality[]>> = {
  ID_CARD: ['HKG', 'MYS', 'SGP', 'PHL', 'JPN', 'TWN', 'BGD', 'NGA', 'PAK'],
  DRIVING_LICENSE: ['THA', 'MYS', 'SGP', 'NGA', 'PAK'],
};

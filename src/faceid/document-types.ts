/** The document types each FaceID action accepts, as the reference lists them: one list each, for schemas and sandbox. */

/** The Indonesian and Philippine documents, spelt alike by the eKYC SDK and the web flow. */
const SOUTHEAST_ASIAN_ID_CARD_TYPES = [
  'IndonesiaIDCard',
  'PhilippinesVoteID',
  'PhilippinesDrivingLicense',
  'PhilippinesTinID',
  'PhilippinesSSSID',
  'PhilippinesUMID',
] as const;

/** ApplySdkVerificationToken `IdCardType` (eKYC SDK, reference §3.3). */
export const SDK_ID_CARD_TYPES = [
  'HK',
  'ML',
  ...SOUTHEAST_ASIAN_ID_CARD_TYPES,
  'MLIDPassport',
  'ThailandIDCard',
  'MainlandIDCard',
  'SingaporeIDCard',
  'HMTPermit',
] as const;

/** WebVerificationConfigIntl `IDCardType` (intl web flow, reference §4.7); each is also a `NormalCardInfo` key. */
export const WEB_ID_CARD_TYPES = [
  'HKIDCard',
  'MLIDCard',
  ...SOUTHEAST_ASIAN_ID_CARD_TYPES,
  'InternationalIDPassport',
  'ThailandIDCard',
  'SingaporeIDCard',
  'MainlandIDCard',
] as const;

/** ApplyCardVerification `CardType` (reference §3.11). */
export const CARD_TYPES = ['ID_CARD', 'PASSPORT', 'DRIVING_LICENSE', 'AUTO'] as const;

import type { FaceIdAction } from '../faceid/actions';

/** What the plan says of each flow. */
interface FlowPlanRow {
  /** Action that issues the SdkToken / BizToken. */
  readonly issue: FaceIdAction;
  /** Action that reads the result with that token. */
  readonly result: FaceIdAction;
  /** Seconds after issue within which the end user must start the process. */
  readonly startWindowSeconds: number;
  /** Seconds after issue during which the result can be read (repeatedly). */
  readonly resultWindowSeconds: number;
}

const HOUR = 3600;
const DAY = 24 * HOUR;

/**
 * The one table of which FaceID actions run for each journey flow, with their token windows (reference §1 and §6;
 * DESIGN §2). Shared by the workflow, the activities and the client, so it lives with the contracts.
 */
export const FLOW_PLANS = {
  // 72 h per the SDK and the 2026 doc page; 2024-2025 pages said 2 h.
  selfie: {
    issue: 'GetFaceIdTokenIntl',
    result: 'GetFaceIdResultIntl',
    startWindowSeconds: 600,
    resultWindowSeconds: 72 * HOUR,
  },
  ekyc: {
    issue: 'ApplySdkVerificationToken',
    result: 'GetSdkVerificationResult',
    startWindowSeconds: 600,
    resultWindowSeconds: 3 * DAY,
  },
  liveness: {
    issue: 'ApplyLivenessToken',
    result: 'GetLivenessResult',
    startWindowSeconds: 600,
    resultWindowSeconds: 2 * HOUR,
  },
  web: {
    issue: 'ApplyWebVerificationBizTokenIntl',
    result: 'GetWebVerificationResultIntl',
    startWindowSeconds: 600,
    resultWindowSeconds: 259_200,
  },
  // The legacy BizToken is valid 7,200 s; S1 prints "3243,600s" for its result window, meaning 3 days.
  'web-legacy': {
    issue: 'ApplyWebVerificationToken',
    result: 'GetWebVerificationResult',
    startWindowSeconds: 7200,
    resultWindowSeconds: 3 * DAY,
  },
} as const satisfies Record<string, FlowPlanRow>;

/** The FaceID actions behind one journey flow (its token action and its result action), and its token's windows. */
export type FlowPlan = (typeof FLOW_PLANS)[keyof typeof FLOW_PLANS];

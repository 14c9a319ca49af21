import { performance } from 'node:perf_hooks';
import { Context } from '@temporalio/activity';
import { noopMetricMeter, type MetricMeter } from '@temporalio/common';
import { FLOW_PLANS } from '../contracts/flow-plan';
import { FACEID_ACTION_NAMES, type FaceIdAction } from '../faceid/actions';
import { faceIdActivityName } from '../contracts/task-queues';
import type { MediaKind } from '../workflows/types';

/** Names of the metrics activities export through the worker runtime. */
export const ACTIVITY_METRICS = {
  faceIdCalls: 'ekyc_faceid_calls',
  faceIdAccountErrors: 'ekyc_faceid_account_errors',
  faceIdTokenRetries: 'ekyc_faceid_token_retries',
  archivedBytes: 'ekyc_archived_bytes',
} as const;

/** Actions that issue a token (and the document check's, which issues one too). */
const TOKEN_ACTIONS: ReadonlySet<FaceIdAction> = new Set([
  ...Object.values(FLOW_PLANS).map((plan) => plan.issue),
  'ApplyCardVerification',
]);

/**
 * Failures only the account's owner can end (credentials, service not activated, arrears, denied): every journey
 * fails until someone acts, so each is counted on a metric of its own to page on.
 */
const ACCOUNT_ERROR_KINDS: ReadonlySet<string> = new Set([
  'FaceIdAuthFailure',
  'FaceIdServiceUnavailable',
  'FaceIdOperationDenied',
]);

/** What an activity returns as its outcome kind when it succeeds. */
const OK = 'ok';

const FACEID_ACTION_OF: ReadonlyMap<string, FaceIdAction> = new Map(
  FACEID_ACTION_NAMES.map((action) => [faceIdActivityName(action), action]),
);

function currentContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    // Called outside an activity (a unit test calling a helper directly): nothing to log or count.
    return undefined;
  }
}

function meter(): MetricMeter {
  return currentContext()?.metricMeter ?? noopMetricMeter;
}

/** Counts bytes newly written to the archive, by media kind (objects found already archived are not counted). */
export function recordArchivedBytes(kind: MediaKind, bytes: number): void {
  meter()
    .createCounter(ACTIVITY_METRICS.archivedBytes, 'bytes', 'Bytes written to the media archive')
    .add(bytes, { kind });
}

/** The failure type of an activity error (`FaceIdTransient`, `MediaUrlExpired`, …), or its class name. */
function kindOf(error: unknown): string {
  const { type, name } = (error ?? {}) as { type?: unknown; name?: unknown };
  if (typeof type === 'string' && type !== '') return type;
  return typeof name === 'string' ? name : 'unknown';
}

/** Tencent's RequestId of a result (`requestId` or `requestIds`) or of a failure (its details). */
function requestIdOf(value: unknown): string | undefined {
  const source = (value ?? {}) as { requestId?: unknown; requestIds?: unknown; details?: unknown };
  if (typeof source.requestId === 'string') return source.requestId;
  if (Array.isArray(source.requestIds) && typeof source.requestIds[0] === 'string') return source.requestIds[0];
  if (Array.isArray(source.details)) return requestIdOf(source.details[0]);
  return undefined;
}

function journeyIdOf(args: unknown[], context: Context): string | undefined {
  const journeyId = (args[0] as { journeyId?: unknown } | undefined)?.journeyId;
  if (typeof journeyId === 'string') return journeyId;
  return context.info.workflowExecution?.workflowId;
}

// Activities take and return any shape; the wrapper passes both through untouched.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ActivityFunction = (...args: any[]) => Promise<unknown>;

/**
 * Wraps every activity so that each execution writes one log line with its outcome (journey id, action, outcome kind,
 * Tencent RequestId, duration: ids and enums only; the SDK adds the attempt and workflow ids), and FaceID calls are
 * counted by action and result.
 */
export function observeActivities<T extends Record<string, ActivityFunction>>(activities: T): T {
  return Object.fromEntries(
    Object.entries(activities).map(([name, activity]) => [name, observed(name, activity)]),
  ) as T;
}

function observed(name: string, activity: ActivityFunction): ActivityFunction {
  const faceIdAction = FACEID_ACTION_OF.get(name);
  return async (...args: unknown[]) => {
    const startedAt = performance.now();
    const report = (kind: string, requestId: string | undefined): void => {
      const context = currentContext();
      if (!context) return;
      context.log.info('activity outcome', {
        journeyId: journeyIdOf(args, context),
        action: faceIdAction ?? name,
        kind,
        ...(requestId ? { requestId } : {}),
        durationMs: Math.round(performance.now() - startedAt),
      });
      if (faceIdAction) {
        context.metricMeter
          .createCounter(ACTIVITY_METRICS.faceIdCalls, 'calls', 'FaceID calls by action and result')
          .add(1, { action: faceIdAction, result: kind });
        // A token issued on a retry may be a second one: the earlier attempt can have reached FaceID and lost its
        // answer (a worker or server that died first). The unused token expires at the end of its start window.
        if (kind === OK && context.info.attempt > 1 && TOKEN_ACTIONS.has(faceIdAction)) {
          context.metricMeter
            .createCounter(
              ACTIVITY_METRICS.faceIdTokenRetries,
              'tokens',
              'Tokens issued on a retry: possible duplicates',
            )
            .add(1, { action: faceIdAction });
        }
        if (ACCOUNT_ERROR_KINDS.has(kind)) {
          context.metricMeter
            .createCounter(
              ACTIVITY_METRICS.faceIdAccountErrors,
              'calls',
              'FaceID calls refused for the account: page on it',
            )
            .add(1, { action: faceIdAction, kind });
        }
      }
    };
    let result: unknown;
    try {
      result = await activity(...args);
    } catch (error) {
      report(kindOf(error), requestIdOf(error));
      throw error;
    }
    report(OK, requestIdOf(result));
    return result;
  };
}

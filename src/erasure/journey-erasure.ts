import { WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import { inputPrefix, journeyPrefix, referenceOfJourney } from '../archive/keys';
import { forgetRetention, readHoldHistory, retentionStatus } from '../archive/retention-records';
import type { ObjectStore } from '../store/object-store';
import type { ArchiveDataKeys } from '../codec/data-keys';
import { OPERATOR_ID_PATTERN, OPERATOR_ID_RULE } from '../contracts/operator-id';
import type { JourneyResult, Outcome } from '../workflows/types';
import { erasureRecordKey, readErasure, type ErasureRecord, type ErasureRequest } from '../archive/erasure-record';

/** The journey is under a legal hold: erasure is refused until the hold is released. */
export class JourneyHeldError extends Error {
  override readonly name = 'JourneyHeldError';
  constructor(
    readonly journeyId: string,
    readonly hold: { operator: string; reason: string; since: string },
  ) {
    super(
      `journey ${journeyId} is under a legal hold (set by ${hold.operator} on ${hold.since}: ${hold.reason}); release it before erasing`,
    );
  }
}

/** The erasure request is malformed. */
export class ErasureRequestError extends Error {
  override readonly name = 'ErasureRequestError';
}

const REASON_CODE = /^[a-z][a-z0-9_]{0,63}$/;
/** How long a cancelled journey has to end itself (it settles its outcome) before it is terminated. */
const CANCEL_GRACE_MS = 30_000;

/**
 * Erases a journey by crypto-shredding, in an order that survives a crash at any step (the next request resumes):
 * refuse under a legal hold; record the request; stop the journey (cancel, then terminate after a grace period) and
 * its children, keeping its outcome and reason codes in the record; delete every archived object of the journey and
 * its input images; destroy its data key, after which no one can decrypt its history; mark the record erased.
 * A second request for an erased journey changes nothing and answers the record.
 */
export async function eraseJourney(
  deps: { client: Client; store: ObjectStore; dataKeys: ArchiveDataKeys; now?: () => Date },
  journeyId: string,
  request: ErasureRequest,
): Promise<ErasureRecord> {
  if (!OPERATOR_ID_PATTERN.test(request?.requestedBy ?? '')) {
    throw new ErasureRequestError(`requestedBy must be ${OPERATOR_ID_RULE}`);
  }
  if (!REASON_CODE.test(request?.reason ?? '')) {
    throw new ErasureRequestError('reason must be a code such as data_subject_request (lower case, digits, _)');
  }
  const { client, store, dataKeys } = deps;
  const now = deps.now ?? (() => new Date());
  const existing = await readErasure(store, journeyId);
  if (existing?.state === 'erased') return existing;
  const retention = await retentionStatus(store, journeyId);
  if (retention.hold) throw new JourneyHeldError(journeyId, retention.hold);

  // Read before the retention bookkeeping (the history with it) is removed below.
  const holdHistory = existing?.holdHistory ?? (await readHoldHistory(store, journeyId));
  let record: ErasureRecord = {
    ...(existing ?? {
      journeyId,
      requestedBy: request.requestedBy,
      reason: request.reason,
      requestedAt: now().toISOString(),
      state: 'erasing',
    }),
    ...(holdHistory.length > 0 ? { holdHistory } : {}),
  };
  const save = async (next: ErasureRecord): Promise<void> => {
    // One writer per journey at a time is the operator's business; the last complete record wins.
    const current = await store.readVersioned(erasureRecordKey(journeyId));
    await store.putIfVersion(
      erasureRecordKey(journeyId),
      Buffer.from(JSON.stringify(next, null, 2)),
      'application/json',
      current?.version,
    );
    record = next;
  };
  if (!existing || (!existing.holdHistory && record.holdHistory)) await save(record);

  const handle = client.workflow.getHandle(journeyId);
  const stop = await stopJourney(handle);
  const ended = stop === 'unknown' ? undefined : await outcomeOf(handle);
  const childrenTerminated = await terminateChildren(client, journeyId);
  await save({
    ...record,
    ...(ended && record.outcome === undefined ? ended : {}),
    ...(stop === 'cancelled' || stop === 'terminated' ? { stopped: stop } : {}),
    childrenTerminated: (record.childrenTerminated ?? 0) + childrenTerminated,
  });

  // The sweep's bookkeeping first (a stopped journey may just have filed it), then the objects themselves.
  const deletedKeys = [...(await forgetRetention(store, journeyId)), ...(await deleteJourneyObjects(store, journeyId))];
  await dataKeys.destroy(journeyId, now());
  const previous = record.deleted?.keys ?? [];
  const keys = [...previous, ...deletedKeys.filter((key) => !previous.includes(key))];
  await save({ ...record, state: 'erased', deleted: { count: keys.length, keys }, erasedAt: now().toISOString() });
  return record;
}

/** Stops a running journey: cancelled (so it ends with a clean outcome), terminated if it does not end in time. */
async function stopJourney(handle: WorkflowHandle): Promise<'ended' | 'cancelled' | 'terminated' | 'unknown'> {
  let running: boolean;
  try {
    running = (await handle.describe()).status.name === 'RUNNING';
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return 'unknown';
    throw error;
  }
  if (!running) return 'ended';
  await handle.cancel();
  const deadline = Date.now() + CANCEL_GRACE_MS;
  while (Date.now() < deadline) {
    if ((await handle.describe()).status.name !== 'RUNNING') return 'cancelled';
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await handle.terminate('journey erased');
  return 'terminated';
}

/** The outcome and reason codes of an ended journey, read while its data key still exists. */
async function outcomeOf(handle: WorkflowHandle): Promise<{ outcome: Outcome; reasons: string[] } | undefined> {
  try {
    const result = (await handle.result()) as JourneyResult | { erased: string };
    return 'outcome' in result ? { outcome: result.outcome, reasons: result.reasons } : undefined;
  } catch {
    // Terminated, or failed without a result: no outcome to keep.
    return undefined;
  }
}

/** Terminates the journey's running children (`<journey id>:…`): nothing may go on decrypting its payloads. */
async function terminateChildren(client: Client, journeyId: string): Promise<number> {
  let terminated = 0;
  const query = `WorkflowId STARTS_WITH '${journeyId}:' AND ExecutionStatus = 'Running'`;
  for await (const execution of client.workflow.list({ query })) {
    await client.workflow
      .getHandle(execution.workflowId, execution.runId)
      .terminate('journey erased')
      .catch((error: unknown) => {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      });
    terminated += 1;
  }
  return terminated;
}

/** Deletes every object of the journey (media, OCR answers, claims, manifest) and its input images; answers the keys. */
async function deleteJourneyObjects(store: ObjectStore, journeyId: string): Promise<string[]> {
  const reference = referenceOfJourney(journeyId);
  const keys = [
    ...(await store.list(journeyPrefix(journeyId))),
    ...(reference === undefined ? [] : await store.list(inputPrefix(reference))),
  ];
  for (const key of keys) await store.delete(key);
  // What a crashed write left (a partial copy of a video is as personal as the video) goes too.
  await store.removeLeftovers?.(journeyPrefix(journeyId), 0);
  return keys;
}

import type { ObjectStore } from './object-store';

const DAY_MS = 24 * 3600_000;

/** The UTC day (`YYYY-MM-DD`) of an epoch millisecond: records filed by day are removed a whole day at a time. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * Removes the objects under `<root><day>/` for the week of days that ended `keepDays` days before yesterday (by
 * default: from the day before yesterday back a week): records kept in day folders whose every entry has expired by
 * then (idempotency records, codec session revocations, console sessions, the audit log past its retention). Returns
 * how many went; removing is idempotent, so several processes may run it at once. Older days are left to a bucket
 * lifecycle rule (docs/deployment.md).
 */
export async function removePastDayFolders(
  store: ObjectStore,
  root: string,
  now = Date.now(),
  keepDays = 1,
): Promise<number> {
  let removed = 0;
  for (let daysAgo = keepDays + 1; daysAgo < keepDays + 8; daysAgo += 1) {
    for (const key of await store.list(`${root}${utcDay(now - daysAgo * DAY_MS)}/`)) {
      await store.delete(key);
      removed += 1;
    }
  }
  return removed;
}

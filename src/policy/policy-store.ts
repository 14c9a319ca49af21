import type { PolicyDocument } from '../contracts/policy-document';
import type { Queryable } from '../db/database';
import type { PolicyState, PolicyVersion } from './policy-version';

/** A row of `policy_versions` as node-postgres returns it (timestamps as `Date`, the document parsed). */
interface PolicyRow {
  version: number;
  sha256: string;
  document: PolicyDocument;
  state: PolicyState;
  is_current: boolean;
  is_shadow: boolean;
  note: string | null;
  created_at: Date;
  created_by: string;
  publish_requested_at: Date | null;
  publish_requested_by: string | null;
  publish_requested_shadow: boolean | null;
  published_at: Date | null;
  published_by: string | null;
  approved_by: string | null;
  retire_requested_at: Date | null;
  retire_requested_by: string | null;
  retire_approved_by: string | null;
  retired_at: Date | null;
  retired_by: string | null;
}

/** A version as {@link PolicyVersion} shows it. */
function versionOf(row: PolicyRow): PolicyVersion {
  const iso = (at: Date | null): string | undefined => at?.toISOString();
  return {
    version: row.version,
    sha256: row.sha256,
    document: row.document,
    state: row.state,
    current: row.is_current,
    shadow: row.is_shadow,
    ...(row.note !== null ? { note: row.note } : {}),
    createdAt: row.created_at.toISOString(),
    createdBy: row.created_by,
    ...(row.publish_requested_by !== null && row.publish_requested_at !== null
      ? {
          publishRequest: {
            by: row.publish_requested_by,
            at: row.publish_requested_at.toISOString(),
            shadow: row.publish_requested_shadow === true,
          },
        }
      : {}),
    ...(row.published_at !== null ? { publishedAt: iso(row.published_at) } : {}),
    ...(row.published_by !== null ? { publishedBy: row.published_by } : {}),
    ...(row.approved_by !== null ? { approvedBy: row.approved_by } : {}),
    ...(row.retire_requested_by !== null && row.retire_requested_at !== null
      ? { retireRequest: { by: row.retire_requested_by, at: row.retire_requested_at.toISOString() } }
      : {}),
    ...(row.retired_at !== null ? { retiredAt: iso(row.retired_at) } : {}),
    ...(row.retired_by !== null ? { retiredBy: row.retired_by } : {}),
    ...(row.retire_approved_by !== null ? { retireApprovedBy: row.retire_approved_by } : {}),
  };
}

/**
 * Takes the table's write lock for the rest of the transaction. Every write (a draft's number, the current and shadow
 * marks) depends on other rows, which row locks alone cannot hold still: a second publication would not see the first's
 * new current row and would fail on the one-current index. Reads are not blocked.
 */
export async function lockPolicyVersions(tx: Queryable): Promise<void> {
  await tx.query('LOCK TABLE policy_versions IN EXCLUSIVE MODE');
}

/** Every version, newest first. */
export async function listPolicyVersions(db: Queryable): Promise<PolicyVersion[]> {
  const rows = await db.query<PolicyRow>('SELECT * FROM policy_versions ORDER BY version DESC');
  return rows.map(versionOf);
}

/** One version, or undefined. */
export async function readPolicyVersion(db: Queryable, version: number): Promise<PolicyVersion | undefined> {
  const [row] = await db.query<PolicyRow>('SELECT * FROM policy_versions WHERE version = $1', [version]);
  return row && versionOf(row);
}

/** The current version and the shadow version, as far as they exist. */
export async function readVersionsInForce(db: Queryable): Promise<{ current?: PolicyVersion; shadow?: PolicyVersion }> {
  const rows = await db.query<PolicyRow>('SELECT * FROM policy_versions WHERE is_current OR is_shadow');
  const current = rows.find((row) => row.is_current);
  const shadow = rows.find((row) => row.is_shadow);
  return { ...(current ? { current: versionOf(current) } : {}), ...(shadow ? { shadow: versionOf(shadow) } : {}) };
}

/** The draft holding exactly this document (by its hash), if one exists. */
export async function findDraft(db: Queryable, sha256: string): Promise<PolicyVersion | undefined> {
  const [row] = await db.query<PolicyRow>(
    "SELECT * FROM policy_versions WHERE sha256 = $1 AND state = 'draft' ORDER BY version LIMIT 1",
    [sha256],
  );
  return row && versionOf(row);
}

/** Whether any version exists. */
export async function hasPolicyVersions(db: Queryable): Promise<boolean> {
  const rows = await db.query('SELECT 1 FROM policy_versions LIMIT 1');
  return rows.length > 0;
}

/** What a new version is made of; its number is the next after the highest (under {@link lockPolicyVersions}). */
export interface NewPolicyVersion {
  sha256: string;
  document: PolicyDocument;
  createdBy: string;
  note?: string;
  /** Published and current at once: the first version only. */
  current?: boolean;
}

/** Inserts a version with the next number; a draft unless `current`. */
export async function insertPolicyVersion(tx: Queryable, version: NewPolicyVersion): Promise<PolicyVersion> {
  const current = version.current === true;
  const [row] = await tx.query<PolicyRow>(
    `INSERT INTO policy_versions (version, sha256, document, state, is_current, note, created_by, published_at,
       published_by)
     SELECT COALESCE(MAX(version), 0) + 1, $1, $2::jsonb, $3, $4, $5, $6,
       CASE WHEN $4 THEN now() END, CASE WHEN $4 THEN $6 END
     FROM policy_versions
     RETURNING *`,
    [
      version.sha256,
      JSON.stringify(version.document),
      current ? 'published' : 'draft',
      current,
      version.note ?? null,
      version.createdBy,
    ],
  );
  if (!row) throw new Error('policy version insert returned no row');
  return versionOf(row);
}

/** Records a publication waiting for a second identity. */
export async function requestPublication(
  tx: Queryable,
  version: number,
  by: string,
  shadow: boolean,
): Promise<PolicyVersion> {
  return updated(
    tx,
    version,
    `UPDATE policy_versions SET publish_requested_at = now(), publish_requested_by = $2, publish_requested_shadow = $3
     WHERE version = $1
     RETURNING *`,
    [by, shadow],
  );
}

/** Records a retirement waiting for a second identity. */
export async function requestRetirement(tx: Queryable, version: number, by: string): Promise<PolicyVersion> {
  return updated(
    tx,
    version,
    'UPDATE policy_versions SET retire_requested_at = now(), retire_requested_by = $2 WHERE version = $1 RETURNING *',
    [by],
  );
}

/** Runs an update of one version (`$1`, then `params`) and returns the row it wrote. */
async function updated(tx: Queryable, version: number, sql: string, params: unknown[]): Promise<PolicyVersion> {
  const [row] = await tx.query<PolicyRow>(sql, [version, ...params]);
  if (!row) throw new Error(`policy version ${version} vanished while being updated`);
  return versionOf(row);
}

/**
 * Publishes a version as current (the current one before stays published) or as the shadow (the shadow before stays
 * published, unmarked), clearing its pending request. `publishedBy` is who asked, `approvedBy` the second identity.
 */
export async function markPublished(
  tx: Queryable,
  version: number,
  as: { shadow: boolean; publishedBy: string; approvedBy?: string },
): Promise<PolicyVersion> {
  const mark = as.shadow ? 'is_shadow' : 'is_current';
  await tx.query(`UPDATE policy_versions SET ${mark} = false WHERE ${mark} AND version <> $1`, [version]);
  return updated(
    tx,
    version,
    `UPDATE policy_versions SET state = 'published', is_current = $2, is_shadow = NOT $2, published_at = now(),
       published_by = $3, approved_by = $4, publish_requested_at = NULL, publish_requested_by = NULL,
       publish_requested_shadow = NULL
     WHERE version = $1
     RETURNING *`,
    [!as.shadow, as.publishedBy, as.approvedBy ?? null],
  );
}

/** Retires a version for good (no longer current nor shadow), clearing any pending request. */
export async function markRetired(
  tx: Queryable,
  version: number,
  as: { retiredBy: string; approvedBy?: string },
): Promise<PolicyVersion> {
  return updated(
    tx,
    version,
    `UPDATE policy_versions SET state = 'retired', is_shadow = false, retired_at = now(), retired_by = $2,
       retire_approved_by = $3, publish_requested_at = NULL, publish_requested_by = NULL,
       publish_requested_shadow = NULL, retire_requested_at = NULL, retire_requested_by = NULL
     WHERE version = $1
     RETURNING *`,
    [as.retiredBy, as.approvedBy ?? null],
  );
}

import { DEFAULT_POLICY_DOCUMENT, type PinnedPolicy, type PolicyDocument } from '../contracts/policy-document';
import type { Database } from '../db/database';
import type { AuditFailureReport, AuditLog } from '../review/audit-log';
import { policySha256 } from './policy-hash';
import {
  findDraft,
  hasPolicyVersions,
  insertPolicyVersion,
  listPolicyVersions,
  lockPolicyVersions,
  markPublished,
  markRetired,
  readPolicyVersion,
  readVersionsInForce,
  requestPublication,
  requestRetirement,
} from './policy-store';
import type { PolicyVersion } from './policy-version';

/** Why a publication or retirement was refused; stable strings a caller may switch on. */
export type PolicyConflictCode =
  | 'policy_already_current'
  | 'policy_already_shadow'
  | 'policy_already_published'
  | 'policy_retired'
  | 'current_cannot_retire'
  | 'same_identity'
  | 'policy_request_differs';

/** No version has this number. */
export class PolicyNotFoundError extends Error {
  override readonly name = 'PolicyNotFoundError';
  constructor(readonly version: number | string) {
    super(`no policy version ${version}`);
  }
}

/** A step the version's life cycle does not allow now; `code` says which rule. */
export class PolicyConflictError extends Error {
  override readonly name = 'PolicyConflictError';
  constructor(
    readonly code: PolicyConflictCode,
    message: string,
  ) {
    super(message);
  }
}

/** What a publication or retirement did: done, or recorded and waiting for a second identity (four-eyes). */
export interface PolicyStepResult {
  status: 'published' | 'retired' | 'awaiting_approval';
  version: PolicyVersion;
}

/** What a {@link PolicyService} works with. */
export interface PolicyServiceDeps {
  database: Database;
  /** Where every draft, publication and retirement is recorded under its caller; absent without a shared store. */
  audit?: AuditLog;
  /** Publishing and retiring need a second, different identity (`POLICY_FOUR_EYES`). */
  fourEyes: boolean;
}

/** The identity that creates the first version, which no person wrote. */
const SYSTEM = 'system';

/**
 * Decision policies as versioned data, for the JSON API, the console and the CLI: immutable versions numbered from 1,
 * each a draft, published or retired; exactly one current version (what new journeys are pinned to) and at most one
 * shadow. Every step is recorded in the audit log under its caller, and publishing and retiring may need a second,
 * different identity.
 */
export class PolicyService {
  constructor(private readonly deps: PolicyServiceDeps) {}

  /**
   * Makes the first version (the built-in document, published and current, by `system`) when none exists: at start-up,
   * so a journey always has a version to be pinned to. Safe when several gateways start together.
   */
  async ensureFirstVersion(): Promise<void> {
    const { database } = this.deps;
    if (await hasPolicyVersions(database)) return;
    await database.transaction(async (tx) => {
      await lockPolicyVersions(tx);
      if (await hasPolicyVersions(tx)) return;
      const document = DEFAULT_POLICY_DOCUMENT;
      await insertPolicyVersion(tx, { sha256: policySha256(document), document, createdBy: SYSTEM, current: true });
    });
  }

  /** Every version, newest first. */
  list(): Promise<PolicyVersion[]> {
    return listPolicyVersions(this.deps.database);
  }

  /** One version; rejects with {@link PolicyNotFoundError}. */
  async get(version: number): Promise<PolicyVersion> {
    const found = await readPolicyVersion(this.deps.database, version);
    if (!found) throw new PolicyNotFoundError(version);
    return found;
  }

  /** The current version; rejects with {@link PolicyNotFoundError} before {@link ensureFirstVersion} ran. */
  async current(): Promise<PolicyVersion> {
    const { current } = await readVersionsInForce(this.deps.database);
    if (!current) throw new PolicyNotFoundError('current');
    return current;
  }

  /** What a journey starting now is pinned to, and the version evaluated beside it without effect, if any. */
  async forNewJourney(): Promise<{ current: PinnedPolicy; shadow?: PinnedPolicy }> {
    const { current, shadow } = await readVersionsInForce(this.deps.database);
    if (!current) throw new PolicyNotFoundError('current');
    const pinned = ({ version, sha256, document }: PolicyVersion): PinnedPolicy => ({ version, sha256, document });
    return { current: pinned(current), ...(shadow ? { shadow: pinned(shadow) } : {}) };
  }

  /**
   * Writes a draft of a validated document. The same document as an existing draft gives that draft back
   * (`created: false`), so a retried request makes no second version.
   */
  async createDraft(
    document: PolicyDocument,
    actor: string,
    note?: string,
    onAuditError?: AuditFailureReport,
  ): Promise<{ created: boolean; version: PolicyVersion }> {
    const sha256 = policySha256(document);
    const drafted = await this.deps.database.transaction(async (tx) => {
      await lockPolicyVersions(tx);
      const existing = await findDraft(tx, sha256);
      if (existing) return { created: false, version: existing };
      const version = await insertPolicyVersion(tx, { sha256, document, createdBy: actor, note });
      return { created: true, version };
    });
    if (drafted.created) await this.record(actor, 'policy_drafted', drafted.version.version, {}, onAuditError);
    return drafted;
  }

  /**
   * Publishes a draft as current (the current version before stays published) or, with `shadow`, marks it the shadow
   * (replacing the shadow before); a published shadow version is promoted to current. Under four-eyes the first call
   * records the request (`awaiting_approval`) and a second, different identity completes it. Rejects with
   * {@link PolicyNotFoundError} or {@link PolicyConflictError}.
   */
  async publish(
    version: number,
    actor: string,
    options: { shadow?: boolean } = {},
    onAuditError?: AuditFailureReport,
  ): Promise<PolicyStepResult> {
    const shadow = options.shadow === true;
    const result = await this.deps.database.transaction(async (tx): Promise<PolicyStepResult> => {
      await lockPolicyVersions(tx);
      const found = await readPolicyVersion(tx, version);
      if (!found) throw new PolicyNotFoundError(version);
      refusePublication(found, shadow);
      if (!this.deps.fourEyes) {
        return { status: 'published', version: await markPublished(tx, version, { shadow, publishedBy: actor }) };
      }
      const request = found.publishRequest;
      if (!request) {
        return { status: 'awaiting_approval', version: await requestPublication(tx, version, actor, shadow) };
      }
      refuseSameIdentity(request.by, actor, 'publication');
      if (request.shadow !== shadow) {
        throw new PolicyConflictError(
          'policy_request_differs',
          `the waiting request publishes version ${version} ${request.shadow ? 'as the shadow' : 'as current'}`,
        );
      }
      const published = await markPublished(tx, version, { shadow, publishedBy: request.by, approvedBy: actor });
      return { status: 'published', version: published };
    });
    const action = result.status === 'published' ? 'policy_published' : 'policy_publish_requested';
    await this.record(actor, action, version, { shadow: String(shadow) }, onAuditError);
    return result;
  }

  /**
   * Retires a version for good (a draft never published, or a published one that is not current; a shadow version
   * stops being evaluated). The current version cannot be retired: publish another first. Four-eyes as for
   * {@link publish}.
   */
  async retire(version: number, actor: string, onAuditError?: AuditFailureReport): Promise<PolicyStepResult> {
    const result = await this.deps.database.transaction(async (tx): Promise<PolicyStepResult> => {
      await lockPolicyVersions(tx);
      const found = await readPolicyVersion(tx, version);
      if (!found) throw new PolicyNotFoundError(version);
      if (found.current) {
        throw new PolicyConflictError(
          'current_cannot_retire',
          `version ${version} is current: publish another version first`,
        );
      }
      if (found.state === 'retired') throw new PolicyConflictError('policy_retired', `version ${version} is retired`);
      if (!this.deps.fourEyes)
        return { status: 'retired', version: await markRetired(tx, version, { retiredBy: actor }) };
      const request = found.retireRequest;
      if (!request) {
        return { status: 'awaiting_approval', version: await requestRetirement(tx, version, actor) };
      }
      refuseSameIdentity(request.by, actor, 'retirement');
      return {
        status: 'retired',
        version: await markRetired(tx, version, { retiredBy: request.by, approvedBy: actor }),
      };
    });
    const action = result.status === 'retired' ? 'policy_retired' : 'policy_retire_requested';
    await this.record(actor, action, version, {}, onAuditError);
    return result;
  }

  /** One audit entry: the caller, the step and the version number, nothing of the document. */
  private async record(
    actor: string,
    action: PolicyAuditAction,
    version: number,
    detail: Record<string, string>,
    onAuditError?: AuditFailureReport,
  ): Promise<void> {
    await this.deps.audit?.appendOrReport(
      { role: 'operator', actor, action, detail: { policyVersion: String(version), ...detail } },
      onAuditError,
    );
  }
}

/** The audit actions of the policy life cycle. */
type PolicyAuditAction =
  'policy_drafted' | 'policy_publish_requested' | 'policy_published' | 'policy_retire_requested' | 'policy_retired';

/** Refuses a publication the life cycle does not allow from where the version is. */
function refusePublication(found: PolicyVersion, shadow: boolean): void {
  const { version } = found;
  if (found.state === 'retired') throw new PolicyConflictError('policy_retired', `version ${version} is retired`);
  if (found.state === 'draft') return;
  if (found.current) throw new PolicyConflictError('policy_already_current', `version ${version} is already current`);
  if (found.shadow && shadow) {
    throw new PolicyConflictError('policy_already_shadow', `version ${version} is already the shadow version`);
  }
  // A published version that is neither current nor shadow was superseded: publish a new draft of it instead.
  if (!found.shadow) {
    throw new PolicyConflictError(
      'policy_already_published',
      `version ${version} was published and superseded; draft its document again to publish it`,
    );
  }
}

/** Four-eyes: the second step must come from another identity than the first. */
function refuseSameIdentity(requestedBy: string, actor: string, step: string): void {
  if (requestedBy === actor) {
    throw new PolicyConflictError(
      'same_identity',
      `the ${step} was requested by this identity; another must approve it`,
    );
  }
}

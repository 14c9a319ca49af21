import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { EkycClient } from '../../../src/client/ekyc-client';
import { DEFAULT_POLICY_DOCUMENT, type PolicyDocument } from '../../../src/contracts/policy-document';
import { createGateway } from '../../../src/gateway/server';
import { policySha256 } from '../../../src/policy/policy-hash';
import { PolicyService } from '../../../src/policy/policy-service';
import type { PolicyVersion } from '../../../src/policy/policy-version';
import { AuditLog, type AuditRecord } from '../../../src/review/audit-log';
import { FilesystemStore } from '../../../src/store/filesystem-store';
import { createTestDatabase } from '../../support/test-database';

// The policy routes on the real gateway over a real PostgreSQL and a real audit log. They never reach Temporal, so
// the gateway's client points nowhere.

const KEYS = { 'ops-alice': 'operator-key-alice-000001', 'ops-bob': 'operator-key-bob-00000001' } as const;
type Operator = keyof typeof KEYS;

/** A document that differs from the built-in one by its similarity threshold. */
const documentWith = (similarityThreshold: number): PolicyDocument => ({
  ...DEFAULT_POLICY_DOCUMENT,
  rules: { ...DEFAULT_POLICY_DOCUMENT.rules, similarityThreshold },
});

interface Step {
  status: string;
  version: PolicyVersion;
}

/** A gateway with its own database and audit log; `fourEyes` as `POLICY_FOUR_EYES`. */
async function policyGateway(fourEyes: boolean) {
  const db = await createTestDatabase();
  const dir = await mkdtemp(join(tmpdir(), 'policy-audit-'));
  const audit = new AuditLog(new FilesystemStore(dir));
  const policies = new PolicyService({ database: db.database, audit, fourEyes });
  await policies.ensureFirstVersion();
  const client = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
  const app: FastifyInstance = createGateway({
    client,
    ekyc: new EkycClient(client, 'unused'),
    database: db.database,
    policies,
    settings: {
      apiKeys: ['api-key-0000000000000001'],
      operatorKeys: Object.entries(KEYS).map(([id, key]) => ({ id, key })),
      clientSecretKey: 'x'.repeat(32),
      sandbox: true,
    },
  });
  const call = async <T>(as: Operator, method: 'GET' | 'POST', url: string, payload?: object) => {
    const answer = await app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${KEYS[as]}` },
      ...(payload ? { payload } : {}),
    });
    return { status: answer.statusCode, body: answer.json<T>() };
  };
  const draft = async (as: Operator, threshold: number) =>
    (await call<PolicyVersion>(as, 'POST', '/v1/policies', { document: documentWith(threshold) })).body.version;
  /** Every policy entry of the audit log, as (actor, action, version, shadow). */
  const auditEntries = async () => {
    const lines: string[] = [];
    for await (const line of audit.exportLines(new Date(Date.now() - 3_600_000), new Date(Date.now() + 3_600_000))) {
      lines.push(line);
    }
    return lines
      .map((line) => JSON.parse(line) as AuditRecord)
      .map(({ actor, action, role, detail }) => ({ actor, action, role, ...detail }));
  };
  const close = async () => {
    await app.close();
    await db.drop();
    await rm(dir, { recursive: true, force: true });
  };
  return { db, policies, call, draft, auditEntries, close };
}

describe('policy versions without four-eyes', () => {
  let gateway: Awaited<ReturnType<typeof policyGateway>>;
  beforeAll(async () => {
    gateway = await policyGateway(false);
  });
  afterAll(() => gateway?.close());

  it('starts with version 1, the built-in document, published and current by system, made once', async () => {
    // A second gateway starting beside the first finds the version there.
    await Promise.all([gateway.policies.ensureFirstVersion(), gateway.policies.ensureFirstVersion()]);
    const { status, body } = await gateway.call<PolicyVersion>('ops-alice', 'GET', '/v1/policies/current');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      version: 1,
      sha256: policySha256(DEFAULT_POLICY_DOCUMENT),
      document: DEFAULT_POLICY_DOCUMENT,
      state: 'published',
      current: true,
      shadow: false,
      createdBy: 'system',
    });
    const list = await gateway.call<{ versions: PolicyVersion[] }>('ops-alice', 'GET', '/v1/policies');
    expect(list.body.versions.map((version) => version.version)).toEqual([1]);
  });

  it('writes a draft (201), gives the same draft back for the same document (200), and lists newest first', async () => {
    const document = documentWith(81);
    const first = await gateway.call<PolicyVersion>('ops-alice', 'POST', '/v1/policies', { document, note: 'FAR' });
    const again = await gateway.call<PolicyVersion>('ops-bob', 'POST', '/v1/policies', { document });
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body).toEqual(first.body);
    expect(first.body).toMatchObject({
      version: 2,
      sha256: policySha256(document),
      state: 'draft',
      current: false,
      note: 'FAR',
      createdBy: 'ops-alice',
    });
    const list = await gateway.call<{ versions: PolicyVersion[] }>('ops-bob', 'GET', '/v1/policies');
    expect(list.body.versions.map((version) => version.version)).toEqual([2, 1]);
    expect((await gateway.call<PolicyVersion>('ops-bob', 'GET', '/v1/policies/2')).body).toEqual(first.body);
    const missing = await gateway.call<{ code: string }>('ops-bob', 'GET', '/v1/policies/999');
    expect([missing.status, missing.body.code]).toEqual([404, 'policy_not_found']);
  });

  it('refuses an invalid document with 400 invalid_policy naming each bad field, and stores nothing', async () => {
    const document = { ...DEFAULT_POLICY_DOCUMENT, format: 2, rules: { ...DEFAULT_POLICY_DOCUMENT.rules, x: 1 } };
    const { status, body } = await gateway.call<{ code: string; errors: { path: string }[] }>(
      'ops-alice',
      'POST',
      '/v1/policies',
      { document },
    );
    expect([status, body.code]).toEqual([400, 'invalid_policy']);
    expect(body.errors.map((issue) => issue.path).sort()).toEqual(['document.format', 'document.rules.x']);
    const list = await gateway.call<{ versions: PolicyVersion[] }>('ops-alice', 'GET', '/v1/policies');
    expect(list.body.versions).toHaveLength(2);
  });

  it('publishes a draft as current; the version before stays published, no longer current', async () => {
    const { status, body } = await gateway.call<Step>('ops-alice', 'POST', '/v1/policies/2/publish');
    expect(status).toBe(200);
    expect(body.status).toBe('published');
    expect(body.version).toMatchObject({ version: 2, state: 'published', current: true, publishedBy: 'ops-alice' });
    expect(body.version.approvedBy).toBeUndefined();
    const before = await gateway.call<PolicyVersion>('ops-alice', 'GET', '/v1/policies/1');
    expect(before.body).toMatchObject({ state: 'published', current: false, shadow: false });
    expect((await gateway.policies.forNewJourney()).current.version).toBe(2);
    const again = await gateway.call<{ code: string }>('ops-alice', 'POST', '/v1/policies/2/publish');
    expect([again.status, again.body.code]).toEqual([409, 'policy_already_current']);
  });

  it('marks one shadow at most, and promotes a shadow version to current', async () => {
    const three = await gateway.draft('ops-alice', 85);
    const four = await gateway.draft('ops-alice', 86);
    const shadowThree = await gateway.call<Step>('ops-alice', 'POST', `/v1/policies/${three}/publish`, {
      shadow: true,
    });
    expect(shadowThree.body.version).toMatchObject({ state: 'published', shadow: true, current: false });
    await gateway.call<Step>('ops-bob', 'POST', `/v1/policies/${four}/publish`, { shadow: true });
    const inForce = await gateway.policies.forNewJourney();
    expect([inForce.current.version, inForce.shadow?.version]).toEqual([2, four]);
    expect((await gateway.call<PolicyVersion>('ops-bob', 'GET', `/v1/policies/${three}`)).body).toMatchObject({
      state: 'published',
      shadow: false,
    });
    const promoted = await gateway.call<Step>('ops-bob', 'POST', `/v1/policies/${four}/publish`);
    expect(promoted.body.version).toMatchObject({ version: four, current: true, shadow: false });
    const after = await gateway.policies.forNewJourney();
    expect([after.current.version, after.shadow]).toEqual([four, undefined]);
    // Version 3 was published beside and superseded: it cannot come back as current.
    const superseded = await gateway.call<{ code: string }>('ops-bob', 'POST', `/v1/policies/${three}/publish`);
    expect([superseded.status, superseded.body.code]).toEqual([409, 'policy_already_published']);
  });

  it('refuses to retire the current version (409) and retires another for good', async () => {
    const current = (await gateway.policies.current()).version;
    const refused = await gateway.call<{ code: string }>('ops-alice', 'POST', `/v1/policies/${current}/retire`);
    expect([refused.status, refused.body.code]).toEqual([409, 'current_cannot_retire']);
    const retired = await gateway.call<Step>('ops-alice', 'POST', '/v1/policies/1/retire');
    expect([retired.status, retired.body.status]).toEqual([200, 'retired']);
    expect(retired.body.version).toMatchObject({ state: 'retired', current: false, retiredBy: 'ops-alice' });
    const republish = await gateway.call<{ code: string }>('ops-alice', 'POST', '/v1/policies/1/publish');
    expect([republish.status, republish.body.code]).toEqual([409, 'policy_retired']);
  });

  it('leaves exactly one current version when drafts are published all at once', async () => {
    const drafts = await Promise.all([90, 91, 92, 93, 94].map((threshold) => gateway.draft('ops-alice', threshold)));
    expect(new Set(drafts).size).toBe(5);
    const answers = await Promise.all(
      drafts.map((version) => gateway.call<Step>('ops-bob', 'POST', `/v1/policies/${version}/publish`)),
    );
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
    const rows = await gateway.db.database.query<{ version: number }>(
      'SELECT version FROM policy_versions WHERE is_current',
    );
    expect(rows).toHaveLength(1);
    expect(drafts).toContain(rows[0]?.version);
  });

  it('writes each draft, publication and retirement to the audit log under its caller, with no document', async () => {
    const entries = await gateway.auditEntries();
    expect(entries.slice(0, 7)).toEqual([
      { actor: 'ops-alice', role: 'operator', action: 'policy_drafted', policyVersion: '2' },
      { actor: 'ops-alice', role: 'operator', action: 'policy_published', policyVersion: '2', shadow: 'false' },
      { actor: 'ops-alice', role: 'operator', action: 'policy_drafted', policyVersion: '3' },
      { actor: 'ops-alice', role: 'operator', action: 'policy_drafted', policyVersion: '4' },
      { actor: 'ops-alice', role: 'operator', action: 'policy_published', policyVersion: '3', shadow: 'true' },
      { actor: 'ops-bob', role: 'operator', action: 'policy_published', policyVersion: '4', shadow: 'true' },
      { actor: 'ops-bob', role: 'operator', action: 'policy_published', policyVersion: '4', shadow: 'false' },
    ]);
    expect(entries).toContainEqual({
      actor: 'ops-alice',
      role: 'operator',
      action: 'policy_retired',
      policyVersion: '1',
    });
  });
});

describe('policy versions under four-eyes', () => {
  let gateway: Awaited<ReturnType<typeof policyGateway>>;
  beforeAll(async () => {
    gateway = await policyGateway(true);
  });
  afterAll(() => gateway?.close());

  it('records a publication (202), refuses the same identity (409) and completes it with another (200)', async () => {
    const version = await gateway.draft('ops-alice', 88);
    const requested = await gateway.call<Step>('ops-alice', 'POST', `/v1/policies/${version}/publish`);
    expect([requested.status, requested.body.status]).toEqual([202, 'awaiting_approval']);
    expect(requested.body.version).toMatchObject({
      state: 'draft',
      publishRequest: { by: 'ops-alice', shadow: false },
    });
    expect((await gateway.policies.current()).version).toBe(1);
    const same = await gateway.call<{ code: string }>('ops-alice', 'POST', `/v1/policies/${version}/publish`);
    expect([same.status, same.body.code]).toEqual([409, 'same_identity']);
    const approved = await gateway.call<Step>('ops-bob', 'POST', `/v1/policies/${version}/publish`);
    expect([approved.status, approved.body.status]).toEqual([200, 'published']);
    expect(approved.body.version).toMatchObject({ current: true, publishedBy: 'ops-alice', approvedBy: 'ops-bob' });
    expect(approved.body.version.publishRequest).toBeUndefined();
  });

  it('retires with a second identity too, and logs the request and the approval under each caller', async () => {
    const requested = await gateway.call<Step>('ops-bob', 'POST', '/v1/policies/1/retire');
    expect([requested.status, requested.body.version.retireRequest?.by]).toEqual([202, 'ops-bob']);
    const same = await gateway.call<{ code: string }>('ops-bob', 'POST', '/v1/policies/1/retire');
    expect([same.status, same.body.code]).toEqual([409, 'same_identity']);
    const approved = await gateway.call<Step>('ops-alice', 'POST', '/v1/policies/1/retire');
    expect(approved.body.version).toMatchObject({
      state: 'retired',
      retiredBy: 'ops-bob',
      retireApprovedBy: 'ops-alice',
    });
    const actions = (await gateway.auditEntries()).map(({ actor, action }) => `${actor} ${action}`);
    expect(actions).toEqual([
      'ops-alice policy_drafted',
      'ops-alice policy_publish_requested',
      'ops-bob policy_published',
      'ops-bob policy_retire_requested',
      'ops-alice policy_retired',
    ]);
  });
});

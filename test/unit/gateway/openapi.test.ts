import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { z } from 'zod';
import { EkycClient } from '../../../src/client/ekyc-client';
import { KeyRing } from '../../../src/codec';
import { codecRoutes } from '../../../src/gateway/codec-routes';
import { createGateway } from '../../../src/gateway/server';

type Json = Record<string, unknown>;
interface Operation extends Json {
  operationId?: string;
  security?: unknown[];
}

const client = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
const routes: RouteOptions[] = [];
let app: FastifyInstance;
let document: Json & { paths: Record<string, Record<string, Operation>>; components: { schemas: Json } };

beforeAll(async () => {
  app = createGateway({
    client,
    ekyc: new EkycClient(client, 'unused'),
    settings: {
      apiKeys: ['api-key-0000000000000001'],
      operatorKeys: [{ id: 'op-a', key: 'operator-key-00000000001' }],
      clientSecretKey: 'x'.repeat(32),
      sandbox: true,
      publicUrl: 'https://gateway.ekyc.test',
    },
    // As `npm run gateway` mounts it: the codec endpoint is registered, but not part of the API document.
    plugins: [
      codecRoutes({
        keyRing: new KeyRing([{ id: 'k1', key: randomBytes(32) }]),
        tokens: ['codec-test-token-000000001'],
        uiOrigins: ['http://127.0.0.1:8233'],
        namespace: 'default',
        endpointUrl: 'https://gateway.ekyc.test/codec',
      }),
    ],
  });
  // Routes are added while the gateway loads its plugins, after this hook.
  app.addHook('onRoute', (route) => void routes.push(route));
  const answer = await app.inject({ method: 'GET', url: '/docs' });
  expect({ status: answer.statusCode, body: answer.statusCode === 200 ? '' : answer.body }).toEqual({
    status: 200,
    body: '',
  });
  document = answer.json();
});
afterAll(() => app?.close());

/** `/v1/journeys/:id` as OpenAPI spells it. */
const openApiPath = (url: string): string => url.replace(/:(\w+)/g, '{$1}');

/** Every registered method and path, without the HEAD routes Fastify adds to each GET. */
function registered(filter: (route: RouteOptions) => boolean): string[] {
  return routes
    .filter(filter)
    .flatMap((route) => [route.method].flat().map((method) => `${method.toLowerCase()} ${openApiPath(route.url)}`))
    .filter((entry) => !entry.startsWith('head '))
    .sort();
}

const operations = (): [string, Operation][] =>
  Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]): [string, Operation] => [`${method} ${path}`, operation]),
  );

describe('the OpenAPI document at /docs', () => {
  it('documents every registered route, and only those; the codec endpoint is left out on purpose', () => {
    const hidden = (route: RouteOptions) => (route.schema as { hide?: boolean }).hide === true;
    expect(
      operations()
        .map(([entry]) => entry)
        .sort(),
    ).toEqual(registered((route) => !hidden(route)));
    expect(registered(hidden).every((entry) => entry.split(' ')[1]?.startsWith('/codec/'))).toBe(true);
    expect(operations().length).toBeGreaterThanOrEqual(13);
  });

  it('gives every operation an operationId and its security (public routes an empty list)', () => {
    for (const [entry, operation] of operations()) {
      expect({ entry, operationId: typeof operation.operationId }).toEqual({ entry, operationId: 'string' });
      expect({ entry, security: Array.isArray(operation.security) }).toEqual({ entry, security: true });
    }
    expect(document.paths['/healthz']?.get?.security).toEqual([]);
    expect(document.paths['/v1/journeys']?.post?.security).toEqual([{ apiKey: [] }]);
  });

  it('shows the start body as a union by flow: oneOf with a discriminator on `flow`, one member per flow', () => {
    const body = document.paths['/v1/journeys']?.post?.requestBody as { content: Record<string, { schema: Json }> };
    const ref = body.content['application/json']?.schema.$ref as string;
    const union = document.components.schemas[ref.replace('#/components/schemas/', '')] as {
      oneOf: { $ref: string }[];
      discriminator: { propertyName: string; mapping: Record<string, string> };
    };
    expect(union.discriminator.propertyName).toBe('flow');
    expect(Object.keys(union.discriminator.mapping).sort()).toEqual([
      'ekyc',
      'liveness',
      'selfie',
      'web',
      'web-legacy',
    ]);
    expect(union.oneOf.map((member) => member.$ref).sort()).toEqual(Object.values(union.discriminator.mapping).sort());
    const fields = (flow: string) => {
      const name = (union.discriminator.mapping[flow] as string).replace('#/components/schemas/', '');
      return Object.keys((document.components.schemas[name] as { properties: Json }).properties).sort();
    };
    const common = ['document', 'flow', 'maxRenewals', 'policy', 'reference', 'region', 'retentionDays', 'timers'];
    expect(fields('liveness')).toEqual([...common, 'liveness'].sort());
    expect(fields('web')).toEqual([...common, 'web', 'compareImage'].sort());
    expect(fields('web-legacy')).toEqual([...common, 'webLegacy'].sort());
  });

  it("publishes each flow's FaceID options as a component of their own, with the fields a bank may set", () => {
    type Schema = Json & { properties: Record<string, Json>; discriminator: { mapping: Record<string, string> } };
    // Components as read (request bodies) carry the suffix `Input`.
    const named = (ref: unknown): string =>
      String(ref)
        .replace('#/components/schemas/', '')
        .replace(/Input$/, '');
    const component = (ref: unknown): Schema =>
      document.components.schemas[String(ref).replace('#/components/schemas/', '')] as Schema;
    const body = document.paths['/v1/journeys']?.post?.requestBody as { content: Record<string, { schema: Json }> };
    const union = component(body.content['application/json']?.schema.$ref);
    const optionsOf = (flow: string, field: string): unknown =>
      component(union.discriminator.mapping[flow]).properties[field]?.$ref;
    expect(
      [
        ['selfie', 'selfie'],
        ['ekyc', 'ekyc'],
        ['liveness', 'liveness'],
        ['web', 'web'],
        ['web-legacy', 'webLegacy'],
      ].map(([flow, field]) => named(optionsOf(flow as string, field as string))),
    ).toEqual(['SelfieOptions', 'EkycOptions', 'LivenessOptions', 'WebOptions', 'WebLegacyOptions']);
    const ekyc = component(optionsOf('ekyc', 'ekyc'));
    expect(Object.keys(ekyc.properties)).toEqual(
      expect.arrayContaining(['AllowExpiredDocument', 'SdkVersion', 'CheckMode', 'SelectedWarningCodes']),
    );
    expect(ekyc.additionalProperties).toBe(false);
    expect(Object.keys(component(optionsOf('selfie', 'selfie')).properties)).not.toContain('Image');
    const web = component(optionsOf('web', 'web'));
    expect(named(web.properties.Config?.$ref)).toBe('WebVerificationConfig');
    expect(component(web.properties.Config?.$ref).properties.CheckMode?.enum).toEqual([1, 2, 3]);
  });

  it('validates every documented example against the schema it documents', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ $id: 'doc', components: document.components }, 'doc');
    const examples: { at: string; schema: Json; example: unknown }[] = [];
    const visit = (value: unknown, at: string): void => {
      if (Array.isArray(value)) return value.forEach((item, index) => visit(item, `${at}/${index}`));
      if (!value || typeof value !== 'object') return;
      const node = value as Json;
      // A schema's `examples` (JSON Schema) and a media type's `example` / `examples` (OpenAPI).
      if (Array.isArray(node.examples) && ('type' in node || 'properties' in node || 'anyOf' in node)) {
        for (const example of node.examples) examples.push({ at, schema: node, example });
      }
      if (node.schema && typeof node.schema === 'object' && 'example' in node) {
        examples.push({ at, schema: node.schema as Json, example: node.example });
      }
      for (const [key, child] of Object.entries(node)) if (key !== 'examples') visit(child, `${at}/${key}`);
    };
    visit(document.paths, '#/paths');
    visit(document.components, '#/components');
    expect(examples.length).toBeGreaterThanOrEqual(5);
    const refsToDoc = (schema: Json): Json =>
      JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, '"doc#/components/')) as Json;
    for (const { at, schema, example } of examples) {
      const validate = ajv.compile(refsToDoc(schema));
      expect({ at, example, errors: validate(example) ? null : validate.errors }).toEqual({
        at,
        example,
        errors: null,
      });
    }
  });

  it('has request examples that the route itself accepts', () => {
    let checked = 0;
    for (const route of routes) {
      const schema = route.schema as Record<string, unknown> | undefined;
      for (const part of ['body', 'querystring', 'params', 'headers']) {
        const zod = schema?.[part];
        if (!(zod instanceof z.ZodType)) continue;
        for (const example of (z.globalRegistry.get(zod)?.examples ?? []) as unknown[]) {
          const parsed = zod.safeParse(example);
          expect({ route: route.url, part, issues: parsed.error?.issues ?? [] }).toEqual({
            route: route.url,
            part,
            issues: [],
          });
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(3);
  });

  it('passes `redocly lint` with the recommended rules: no errors, no warnings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'openapi-'));
    try {
      const file = join(dir, 'openapi.json');
      writeFileSync(file, JSON.stringify(document));
      const cli = require.resolve('@redocly/cli/bin/cli.js');
      const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' };
      const args = [cli, 'lint', file, '--extends=recommended', '--format=json', '--max-problems=1000'];
      // The CLI exits non-zero on errors; its JSON report is on stdout either way.
      const stdout = await promisify(execFile)(process.execPath, args, { env }).then(
        (run) => run.stdout,
        (error: { stdout?: string }) => error.stdout ?? '',
      );
      const report = JSON.parse(stdout) as { totals: Json; problems: { ruleId: string; message: string }[] };
      const problems = report.problems.map(({ ruleId, message }) => `${ruleId}: ${message}`);
      expect({ totals: report.totals, problems }).toEqual({
        totals: { errors: 0, warnings: 0, ignored: 0 },
        problems: [],
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

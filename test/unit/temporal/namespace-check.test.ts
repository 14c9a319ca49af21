import { ConfigError } from '../../../src/config-error';
import { registerMissingSearchAttributes } from '../../../src/temporal/dev-server';
import { checkNamespace, type NamespaceServices } from '../../../src/temporal/namespace-check';
import { EKYC_SEARCH_ATTRIBUTES } from '../../../src/workflows/search-attributes';

/** Services answering as a server would: the namespace exists or not, these custom search attributes are registered. */
function server(options: { namespace?: boolean; attributes?: string[]; listing?: Error }): NamespaceServices {
  return {
    workflowService: {
      describeNamespace: () =>
        options.namespace === false
          ? Promise.reject(Object.assign(new Error('5 NOT_FOUND'), { code: 5 }))
          : Promise.resolve({}),
    },
    operatorService: {
      listSearchAttributes: () => {
        if (options.listing) return Promise.reject(options.listing);
        const custom = Object.fromEntries((options.attributes ?? []).map((name) => [name, 2]));
        return Promise.resolve({ customAttributes: custom, systemAttributes: { WorkflowId: 2 } });
      },
    },
  };
}

const all = EKYC_SEARCH_ATTRIBUTES.map((key) => key.name);

describe('checkNamespace', () => {
  it('passes a namespace with every journey search attribute', async () => {
    await expect(checkNamespace(server({ attributes: all }), 'default', 'temporal:7233')).resolves.toBeUndefined();
  });

  it('names TEMPORAL_NAMESPACE when the namespace does not exist', async () => {
    const check = checkNamespace(server({ namespace: false }), 'ekyc-prod', 'temporal:7233');
    await expect(check).rejects.toBeInstanceOf(ConfigError);
    await expect(check).rejects.toThrow(/TEMPORAL_NAMESPACE: namespace "ekyc-prod" does not exist/);
  });

  it('lists the search attributes to register when some are missing', async () => {
    const check = checkNamespace(server({ attributes: all.slice(2) }), 'default', 'temporal:7233');
    await expect(check).rejects.toThrow(
      'lacks the journey search attributes EkycStage (Keyword), EkycOutcome (Keyword);',
    );
  });

  it('names the type of each missing attribute', async () => {
    const check = checkNamespace(
      server({ attributes: all.filter((name) => name !== 'EkycReviewDeadline') }),
      'default',
      'temporal:7233',
    );
    await expect(check).rejects.toThrow(/EkycReviewDeadline \(Datetime\);.*--type Datetime/);
  });

  it('skips the attribute half, saying so, where the caller may not list them', async () => {
    const skipped: string[] = [];
    const denied = Object.assign(new Error('7 PERMISSION_DENIED'), { code: 7 });
    await checkNamespace(server({ listing: denied }), 'default', 'cloud:7233', (reason) => skipped.push(reason));
    expect(skipped).toHaveLength(1);
  });
});

describe('registerMissingSearchAttributes (the dev server kept from an older version)', () => {
  it('adds only the missing attributes, each with its type, and nothing when all are there', async () => {
    const added: Record<string, number>[] = [];
    const admin = (present: string[]) => ({
      operatorService: {
        listSearchAttributes: () =>
          Promise.resolve({ customAttributes: Object.fromEntries(present.map((name) => [name, 2])) }),
        addSearchAttributes: (request: { searchAttributes: Record<string, number> }) => {
          added.push(request.searchAttributes);
          return Promise.resolve({});
        },
      },
    });
    const old = all.filter((name) => !name.startsWith('EkycReview'));
    expect(await registerMissingSearchAttributes(admin(old), 'default')).toEqual([
      'EkycReviewDeadline',
      'EkycReviewClaim',
      'EkycReviewStep',
    ]);
    // Keyword 2, Datetime 6 (temporal.api.enums.v1.IndexedValueType).
    expect(added).toEqual([{ EkycReviewDeadline: 6, EkycReviewClaim: 2, EkycReviewStep: 2 }]);
    expect(await registerMissingSearchAttributes(admin(all), 'default')).toEqual([]);
    expect(added).toHaveLength(1);
  });
});

import { join, resolve } from 'node:path';
import { temporal } from '@temporalio/proto';
import { EKYC_SEARCH_ATTRIBUTES, searchAttributeTypeName } from '../workflows/search-attributes';

/** Path of the Temporal CLI that `npm run tools` builds from its Go module. */
export const TEMPORAL_CLI_PATH = resolve(__dirname, '..', '..', '.tools', 'bin', 'temporal');

/** The Temporal settings the dev server starts with. */
export interface DevServerSettings {
  devServerPort: number;
  uiPort: number;
  namespace: string;
}

/** `--search-attribute` values that register every custom journey attribute with its type. */
function searchAttributeArgs(): string[] {
  return EKYC_SEARCH_ATTRIBUTES.flatMap((key) => ['--search-attribute', `${key.name}=${searchAttributeTypeName(key)}`]);
}

/**
 * Arguments for `temporal server start-dev`: loopback only, state persisted in an SQLite file under DATA_DIR with a
 * WAL journal (so a restart keeps earlier journeys and readers do not block the writer), the Web UI on its port.
 */
export function devServerArgs(
  settings: DevServerSettings,
  dataDir: string,
  options: { codecEndpoint?: string } = {},
): string[] {
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(settings.devServerPort),
    '--ui-ip',
    '127.0.0.1',
    '--ui-port',
    String(settings.uiPort),
    '--namespace',
    settings.namespace,
    '--db-filename',
    join(resolve(dataDir), 'temporal.sqlite'),
    '--sqlite-pragma',
    'journal_mode=wal',
    '--sqlite-pragma',
    'synchronous=normal',
    // Errors only: the dev server's warnings (poller reconnects on shutdown) drown the service's own output.
    '--log-level',
    'error',
    ...searchAttributeArgs(),
  ];
  if (options.codecEndpoint) args.push('--ui-codec-endpoint', options.codecEndpoint);
  return args;
}

/** The operator call that registers search attributes, as a client connection offers it. */
interface SearchAttributeAdmin {
  operatorService: {
    listSearchAttributes(request: {
      namespace: string;
    }): Promise<{ customAttributes?: Record<string, unknown> | null }>;
    addSearchAttributes(request: {
      namespace: string;
      searchAttributes: Record<string, temporal.api.enums.v1.IndexedValueType>;
    }): Promise<unknown>;
  };
}

/**
 * Registers the journey search attributes the dev server's namespace lacks: its start-up flags only apply to a new
 * database, so a data folder kept from an older version would otherwise stop the worker at its namespace check.
 * Returns the names it added.
 */
export async function registerMissingSearchAttributes(
  admin: SearchAttributeAdmin,
  namespace: string,
): Promise<string[]> {
  const listed = await admin.operatorService.listSearchAttributes({ namespace });
  const missing = EKYC_SEARCH_ATTRIBUTES.filter((key) => !(key.name in (listed.customAttributes ?? {})));
  if (missing.length === 0) return [];
  const { IndexedValueType } = temporal.api.enums.v1;
  await admin.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(
      missing.map((key) => [
        key.name,
        searchAttributeTypeName(key) === 'Datetime'
          ? IndexedValueType.INDEXED_VALUE_TYPE_DATETIME
          : IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
      ]),
    ),
  });
  return missing.map((key) => key.name);
}

import { join, resolve } from 'node:path';
import type { AppConfig } from '../config';
import { EKYC_SEARCH_ATTRIBUTES, searchAttributeTypeName } from '../workflows/search-attributes';

/** Path of the Temporal CLI that `npm run tools` builds from its Go module. */
export const TEMPORAL_CLI_PATH = resolve(__dirname, '..', '..', '.tools', 'bin', 'temporal');

/** `--search-attribute` values that register every custom journey attribute with its type. */
function searchAttributeArgs(): string[] {
  return EKYC_SEARCH_ATTRIBUTES.flatMap((key) => ['--search-attribute', `${key.name}=${searchAttributeTypeName(key)}`]);
}

/**
 * Arguments for `temporal server start-dev`: loopback only, state persisted in an SQLite file under DATA_DIR with a
 * WAL journal (so a restart keeps earlier journeys and readers do not block the writer), the Web UI on its port.
 */
export function devServerArgs(cfg: AppConfig, options: { codecEndpoint?: string } = {}): string[] {
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(cfg.temporal.devServerPort),
    '--ui-ip',
    '127.0.0.1',
    '--ui-port',
    String(cfg.temporal.uiPort),
    '--namespace',
    cfg.temporal.namespace,
    '--db-filename',
    join(resolve(cfg.dataDir), 'temporal.sqlite'),
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

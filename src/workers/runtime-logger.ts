import { DefaultLogger, type LogLevel, Runtime } from '@temporalio/worker';
import type { AppConfig } from '../config';

const SDK_LEVELS: Record<AppConfig['logLevel'], LogLevel | undefined> = {
  fatal: 'ERROR',
  error: 'ERROR',
  warn: 'WARN',
  info: 'INFO',
  debug: 'DEBUG',
  trace: 'TRACE',
  silent: undefined,
};

/**
 * Each per-action worker hosts activities only and the main worker workflows only, by design; the SDK warns about
 * that once per worker at start-up, which says nothing an operator can act on.
 */
const EXPECTED_NOTICES = /^No (workflows|activities|Nexus services) registered/;

/** Installs the SDK runtime once per process with the configured log level and without the expected notices. */
export function installRuntime(level: AppConfig['logLevel']): void {
  const sdkLevel = SDK_LEVELS[level];
  const inner = new DefaultLogger(sdkLevel ?? 'ERROR', sdkLevel ? undefined : () => undefined);
  const logger = new DefaultLogger(sdkLevel ?? 'ERROR', (entry) => {
    if (EXPECTED_NOTICES.test(entry.message)) return;
    inner.log(entry.level, entry.message, entry.meta);
  });
  Runtime.install({ logger });
}

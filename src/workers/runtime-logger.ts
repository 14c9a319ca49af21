import { type Logger as SdkLogger, type LogLevel, type LogMetadata, Runtime } from '@temporalio/worker';
import type { Logger } from '../logging';
import { JOURNEY_METRICS, STAGE_DURATION_BUCKETS_MS } from '../contracts/journey-metrics';

/**
 * Each per-action worker hosts activities only and the main worker workflows only, by design; the SDK warns about
 * that once per worker at start-up, which says nothing an operator can act on.
 */
const EXPECTED_NOTICES = /^No (workflows|activities|Nexus services) registered/;

const PINO_LEVELS = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

function scalarsOf(value: object): Record<string, string | number | boolean> {
  return Object.fromEntries(
    Object.entries(value).filter((entry): entry is [string, string | number | boolean] =>
      ['string', 'number', 'boolean'].includes(typeof entry[1]),
    ),
  );
}

/**
 * The SDK's `Logger` on top of pino: the SDK's own lines, the workflow `log` (through the SDK's sink) and the activity
 * `Context.log` all become JSON lines of the worker's logger. The SDK's own INFO lines (worker state changes, bundling,
 * fourteen workers' worth) are demoted to debug; workflow and activity lines keep their level.
 */
export class PinoSdkLogger implements SdkLogger {
  constructor(private readonly logger: Logger) {}

  log(level: LogLevel, message: string, meta: LogMetadata = {}): void {
    if (EXPECTED_NOTICES.test(message)) return;
    const component = meta.sdkComponent as unknown;
    const internal = component === 'worker' || component === 'core';
    const target = internal && level === 'INFO' ? 'debug' : PINO_LEVELS[level];
    if (!this.logger.isLevelEnabled(target)) return;
    // The task token is a credential (it completes the activity) and `isLocal` is always false here: neither helps.
    const fields: LogMetadata = { ...meta };
    delete fields.taskToken;
    delete fields.isLocal;
    // "Creating worker" dumps the compiled options at debug: the data converter, interceptors and activity
    // functions are objects nobody should find in a log line; the scalar settings are what helps.
    if (fields.options !== null && typeof fields.options === 'object')
      fields.options = scalarsOf(fields.options as object);
    this.logger[target](fields, message);
  }

  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }

  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }

  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }

  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }

  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}

/** What the native core logs at each pino level: its INFO and DEBUG lines are per-poll chatter. */
function coreLevel(level: string): LogLevel {
  if (level === 'trace') return 'DEBUG';
  if (level === 'debug') return 'INFO';
  if (level === 'error' || level === 'fatal' || level === 'silent') return 'ERROR';
  return 'WARN';
}

/** How the process's SDK runtime logs and exports metrics. */
export interface RuntimeSettings {
  /** The worker's logger; its level decides what the SDK and the native core send it. */
  logger: Logger;
  /** `host:port` for the Prometheus `/metrics` endpoint (SDK and journey metrics); absent: no endpoint. */
  metricsBindAddress?: string;
}

/**
 * Installs the SDK runtime once per process: every log line (the native core's too) goes to the pino logger, and with
 * a bind address the runtime serves the SDK's and the journeys' metrics in the Prometheus format.
 */
export function installRuntime({ logger, metricsBindAddress }: RuntimeSettings): Runtime {
  return Runtime.install({
    logger: new PinoSdkLogger(logger),
    telemetryOptions: {
      logging: { forward: {}, filter: { core: coreLevel(logger.level), other: 'ERROR' } },
      ...(metricsBindAddress
        ? {
            metrics: {
              prometheus: {
                bindAddress: metricsBindAddress,
                histogramBucketOverrides: { [JOURNEY_METRICS.stageDuration]: STAGE_DURATION_BUCKETS_MS },
              },
            },
          }
        : {}),
    },
  });
}

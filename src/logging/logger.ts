import pino, { type DestinationStream, type Logger } from 'pino';
import { CENSOR, REDACTED_KEYS, redactFields, scrubText, serializeError } from './redaction';

/** A pino log level, or `silent`. */
export type LogLevelName = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** The process or subsystem writing the lines (`worker`, `gateway`, `emulator`): every line carries it. */
  component: string;
  level: LogLevelName;
  /** Where JSON lines go; default stdout. Tests pass an in-memory stream. */
  destination?: DestinationStream;
}

/** An HTTP request in a log line: its method and path, never the query string, headers or body. */
function serializeRequest(request: { method?: unknown; url?: unknown }): { method: unknown; path: string } {
  const url = typeof request?.url === 'string' ? request.url : '';
  return { method: request?.method, path: scrubText(url.split('?')[0] ?? '') };
}

/** An HTTP response in a log line: its status only. */
function serializeResponse(response: { statusCode?: unknown }): { status: unknown } {
  return { status: response?.statusCode };
}

/**
 * The one way this service builds a logger: JSON lines with an ISO time, the level as a word and the component, with
 * secrets, tokens, media, document fields, signed URLs and bodies redacted, and errors reduced to
 * name / type / code / message.
 */
export function createLogger({ component, level, destination }: LoggerOptions): Logger {
  return pino(
    {
      level,
      base: { component, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        // Before the serializers run; what they return (errors, requests) keeps only safe fields anyway.
        log: (object) => redactFields(object),
      },
      // Child bindings skip `formatters.log`: pino's own redaction covers their top level (plain keys stay cheap; its
      // wildcard paths, which cost more than the rest of a line, are left to `redactFields`).
      redact: {
        paths: REDACTED_KEYS.map((key) => (/^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`)),
        censor: CENSOR,
      },
      serializers: {
        err: serializeError,
        error: serializeError,
        failure: serializeError,
        cause: serializeError,
        req: serializeRequest,
        res: serializeResponse,
      },
      hooks: {
        // Messages are free text: a URL or Base64 run pasted into one is scrubbed like an error message.
        logMethod(args, method) {
          const [first, second] = args;
          // pino would take the message of a bare error unscrubbed.
          if (first instanceof Error && typeof second !== 'string') {
            method.apply(this, [{ err: first }, scrubText(first.message)]);
            return;
          }
          const scrubbed = args.map((arg) => (typeof arg === 'string' ? scrubText(arg) : arg)) as typeof args;
          method.apply(this, scrubbed);
        },
      },
    },
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

export type { Logger, DestinationStream };

export { createLogger, type DestinationStream, type Logger, type LoggerOptions, type LogLevelName } from './logger';
export { CENSOR, redactFields, REDACTED_KEYS, scrubText, serializeError, type SerializedError } from './redaction';

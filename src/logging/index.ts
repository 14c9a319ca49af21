export { createLogger, type DestinationStream, type Logger, type LogLevelName } from './logger';
export { scrubText } from './redaction';

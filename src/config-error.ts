/** Thrown when the environment is invalid; the message names every offending variable and never its value. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

import { z } from 'zod';
import { isAllowedBrowserUrl } from '../gateway/browser-urls';
import { ConfigError } from '../config-error';

/** A TCP port; 0 where a setting allows turning its listener off. */
export const port = z.coerce.number().int().min(0).max(65535);

/** Optional text: an empty or blank value counts as unset. */
export const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

/** A comma-separated list of secrets; entries are checked for length only, and never echoed in errors. */
export const secretList = (minLength: number) =>
  z
    .string()
    .trim()
    .transform((value) =>
      value
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().min(minLength, `every entry needs at least ${minLength} characters`)))
    .optional();

/** An absolute http or https URL. */
export const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an absolute http or https URL' });

/** An optional absolute http or https URL. */
export const optionalUrl = optionalText.pipe(httpUrl.optional());

/** `LOG_LEVEL`, which every process reads. */
export const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info');

/** A configuration error listing its problems, each as `VARIABLE: what is wrong`. */
export function configError(problems: string[]): ConfigError {
  return new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
}

/** A configuration error about one variable (or a pair, `A / B`). */
export function invalid(variable: string, problem: string): ConfigError {
  return configError([`${variable}: ${problem}`]);
}

/** What `parse` returns; its refusal (an `expected` error, by default any) becomes an error naming `variable`. */
export function parsedAs<T>(variable: string, parse: () => T, expected: new (message: string) => Error = Error): T {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof expected)) throw error;
    throw invalid(variable, error.message);
  }
}

/** Refuses a URL a browser or a webhook may not be sent to: https, or http on loopback in sandbox mode. */
export function checkBrowserUrl(variable: string, url: string, sandbox: boolean): void {
  if (!isAllowedBrowserUrl(url, sandbox))
    throw invalid(variable, 'must be https (or http on loopback in sandbox mode)');
}

/** Validates an environment with a process's schema; a bad value throws a {@link ConfigError} naming every offender. */
export function readEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): z.output<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw configError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  return parsed.data;
}

/** A process's configuration read at start-up; on a bad value it prints the problem and exits with status 78. */
export function configOrExit<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
}

import { z } from 'zod';
import {
  DEFAULT_ROLES_CLAIM,
  DEFAULT_SANDBOX_OIDC_PORT,
  SANDBOX_CONSOLE_CLIENT_ID,
  SANDBOX_CONSOLE_CLIENT_SECRET,
} from '../console/sandbox-accounts';
import { checkBrowserUrl, invalid, optionalText, optionalUrl, port } from './env';

/** The reviewer console's variables (docs/console.md); the gateway serves the console. */
export const consoleEnv = z.object({
  // The reviewer console's identity provider; in sandbox mode, the sandbox provider by default.
  CONSOLE_OIDC_ISSUER: optionalUrl,
  CONSOLE_OIDC_CLIENT_ID: optionalText,
  CONSOLE_OIDC_CLIENT_SECRET: optionalText,
  CONSOLE_OIDC_ROLES_CLAIM: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_.:/-]{1,200}$/, 'a claim name: letters, digits, "_", ".", ":", "/" and "-"')
    .default(DEFAULT_ROLES_CLAIM),
  // A console session ends after this long without a request, and this long after sign-in whatever happens.
  CONSOLE_SESSION_IDLE_SECONDS: z.coerce.number().int().min(60).max(86_400).default(1800),
  CONSOLE_SESSION_MAX_SECONDS: z.coerce
    .number()
    .int()
    .min(300)
    .max(7 * 86_400)
    .default(8 * 3600),
  SANDBOX_OIDC_PORT: port.default(DEFAULT_SANDBOX_OIDC_PORT),
});

/**
 * The console's identity provider and session lifetimes, or undefined when no identity provider is configured
 * (outside the sandbox).
 */
export function consoleSettings(e: z.infer<typeof consoleEnv>, sandbox: boolean) {
  const issuer = (e.CONSOLE_OIDC_ISSUER ?? (sandbox ? `http://127.0.0.1:${e.SANDBOX_OIDC_PORT}` : undefined))?.replace(
    /\/+$/,
    '',
  );
  if (!issuer) {
    if (e.CONSOLE_OIDC_CLIENT_ID) throw invalid('CONSOLE_OIDC_ISSUER', 'required with CONSOLE_OIDC_CLIENT_ID');
    return undefined;
  }
  checkBrowserUrl('CONSOLE_OIDC_ISSUER', issuer, sandbox);
  const ownIssuer = e.CONSOLE_OIDC_ISSUER !== undefined;
  const clientId = e.CONSOLE_OIDC_CLIENT_ID ?? (ownIssuer ? undefined : SANDBOX_CONSOLE_CLIENT_ID);
  if (!clientId) throw invalid('CONSOLE_OIDC_CLIENT_ID', 'required with CONSOLE_OIDC_ISSUER');
  if (e.CONSOLE_SESSION_IDLE_SECONDS > e.CONSOLE_SESSION_MAX_SECONDS) {
    throw invalid('CONSOLE_SESSION_IDLE_SECONDS', 'must not exceed CONSOLE_SESSION_MAX_SECONDS');
  }
  return {
    /** The OpenID Connect issuer (discovery at `<issuer>/.well-known/openid-configuration`). */
    issuer,
    clientId,
    /** Absent for a public client (PKCE alone). */
    clientSecret: e.CONSOLE_OIDC_CLIENT_SECRET ?? (ownIssuer ? undefined : SANDBOX_CONSOLE_CLIENT_SECRET),
    /** The ID token claim holding the user's console roles (`reviewer`, `auditor`). */
    rolesClaim: e.CONSOLE_OIDC_ROLES_CLAIM,
    idleSeconds: e.CONSOLE_SESSION_IDLE_SECONDS,
    maxSeconds: e.CONSOLE_SESSION_MAX_SECONDS,
    /** Where the sandbox provider listens (sandbox mode only). */
    sandboxPort: e.SANDBOX_OIDC_PORT,
  };
}

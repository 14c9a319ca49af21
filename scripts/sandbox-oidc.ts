/**
 * The sandbox OpenID Connect provider for the reviewer console (`node --import tsx scripts/sandbox-oidc.ts`; `npm
 * start` runs it in sandbox mode): oidc-provider on 127.0.0.1:`SANDBOX_OIDC_PORT` with the static sandbox accounts
 * (any password) and one confidential client for the console, PKCE required, redirecting to
 * `<GATEWAY_PUBLIC_URL>/console/callback`. Sandbox only: its client secret is published and it keeps nothing on disk.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AccountClaims, Configuration, KoaContextWithOIDC } from 'oidc-provider' with {
  'resolution-mode': 'import',
};
import { configOrExit } from '../src/config/env';
import { gatewayConfig } from '../src/config/gateway';
import { isAllowedBrowserUrl } from '../src/gateway/browser-urls';
import { createLogger } from '../src/logging';
import {
  SANDBOX_ACCOUNTS,
  SANDBOX_CONSOLE_CLIENT_ID,
  SANDBOX_CONSOLE_CLIENT_SECRET,
} from '../src/console/sandbox-accounts';

/** The line a parent process waits for (the test's child, `npm start`'s supervisor). */
const READY_MESSAGE = 'sandbox OIDC provider ready';

/**
 * More gateways' callbacks (`SANDBOX_OIDC_EXTRA_REDIRECT_URIS`, comma-separated): tests run a second
 * console with other session lifetimes beside the first.
 */
function extraRedirectUris(): string[] {
  const uris = (process.env.SANDBOX_OIDC_EXTRA_REDIRECT_URIS ?? '').split(',').filter(Boolean);
  for (const uri of uris) {
    if (!isAllowedBrowserUrl(uri, true) || !uri.endsWith('/console/callback')) {
      throw new Error(
        'SANDBOX_OIDC_EXTRA_REDIRECT_URIS: expected <loopback gateway URL>/console/callback, comma-separated',
      );
    }
  }
  return uris;
}

async function main(): Promise<void> {
  const cfg = configOrExit(() => gatewayConfig());
  const log = createLogger({ component: 'sandbox-oidc', level: cfg.logLevel });
  if (!cfg.sandbox || !cfg.console) {
    process.stderr.write('The sandbox OIDC provider runs in sandbox mode only (no FACEID_SECRET_ID set).\n');
    process.exit(78);
  }
  const { rolesClaim, sandboxPort } = cfg.console;
  const issuer = `http://127.0.0.1:${sandboxPort}`;
  // oidc-provider is ESM-only: loaded with import(), which this CommonJS package keeps as is.
  const { default: Provider } = await import('oidc-provider');

  // A signing key per run: nothing outlives the process, and a restart signs everyone out.
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const configuration: Configuration = {
    clients: [
      {
        client_id: SANDBOX_CONSOLE_CLIENT_ID,
        client_secret: SANDBOX_CONSOLE_CLIENT_SECRET,
        redirect_uris: [`${cfg.gateway.publicUrl}/console/callback`, ...extraRedirectUris()],
        post_logout_redirect_uris: [`${cfg.gateway.publicUrl}/console`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    // Every client must send a PKCE challenge (S256), the confidential one too.
    pkce: { required: () => true },
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'sandbox', use: 'sig', alg: 'RS256' }] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    scopes: ['openid', 'profile'],
    // The roles come with the standard profile scope, so the console asks every provider for the same scopes.
    claims: { openid: ['sub'], profile: ['preferred_username', rolesClaim] },
    // The console reads the roles from the ID token, as it would from most identity providers configured for it.
    conformIdTokenClaims: false,
    findAccount: (_ctx: KoaContextWithOIDC, id: string) => {
      const account = SANDBOX_ACCOUNTS.find((entry) => entry.id === id);
      if (!account) return undefined;
      return {
        accountId: account.id,
        claims: (): AccountClaims => ({
          sub: account.id,
          preferred_username: account.id,
          [rolesClaim]: [...account.roles],
        }),
      };
    },
    // The console is first-party: no consent screen, every sign-in grants what it asks for.
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const { client, session } = ctx.oidc;
      if (!client || !session?.accountId) return undefined;
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope('openid profile');
      await grant.save();
      return grant;
    },
    // The built-in sign-in page: type an account id (reviewer-1, reviewer-2, auditor-1, policy-admin-1,
    // policy-admin-2) and any password.
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
    ttl: {
      Session: 8 * 3600,
      Interaction: 600,
      Grant: 8 * 3600,
      AuthorizationCode: 60,
      IdToken: 600,
      AccessToken: 600,
    },
  };
  const provider = new Provider(issuer, configuration);
  provider.on('server_error', (_ctx, error) =>
    log.error({ error: error.name, message: error.message }, 'provider error'),
  );

  const handle = provider.callback();
  const server = createServer((request, response) => void handle(request, response));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(sandboxPort, '127.0.0.1', resolve);
  });
  log.info({ issuer, accounts: SANDBOX_ACCOUNTS.map((account) => account.id) }, READY_MESSAGE);
  const stop = (): void => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`sandbox OIDC provider failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});

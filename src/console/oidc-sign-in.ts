import { generators, Issuer, type BaseClient } from 'openid-client';
import { OPERATOR_ID_PATTERN } from '../contracts/operator-id';
import type { ConsoleRole, PendingSignIn } from './console-sessions';

/** The identity provider the console trusts, and the claim its roles come in. */
export interface ConsoleOidcSettings {
  issuer: string;
  clientId: string;
  /** Absent for a public client: PKCE alone then protects the code. */
  clientSecret?: string;
  rolesClaim: string;
}

/** Who signed in, as the console keeps it: an id the journeys accept as a reviewer id, and the console roles. */
export interface SignedInUser {
  userId: string;
  roles: ConsoleRole[];
}

const ROLES: readonly ConsoleRole[] = ['reviewer', 'auditor', 'policy-admin'];

/**
 * The authorization code flow with PKCE against one issuer (openid-client): the provider's metadata is fetched at the
 * first sign-in and kept, so a gateway starts while its identity provider is down.
 */
export class OidcSignIn {
  #client: Promise<BaseClient> | undefined;

  constructor(private readonly settings: ConsoleOidcSettings) {}

  /** Where to send the browser to sign in. */
  async authorizationUrl(pending: PendingSignIn, redirectUri: string): Promise<string> {
    const client = await this.client();
    return client.authorizationUrl({
      redirect_uri: redirectUri,
      scope: 'openid profile',
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: generators.codeChallenge(pending.codeVerifier),
      code_challenge_method: 'S256',
    });
  }

  /**
   * Redeems the code of the provider's redirect (`callbackUrl`, the path and query the browser came back with) and
   * answers who signed in; the ID token's signature, issuer, audience, nonce and the state are checked by
   * openid-client. Tokens are dropped here: the console keeps only the user id and roles.
   */
  async finish(callbackUrl: string, pending: PendingSignIn, redirectUri: string): Promise<SignedInUser | undefined> {
    const client = await this.client();
    const params = client.callbackParams(callbackUrl);
    const tokens = await client.callback(redirectUri, params, {
      state: pending.state,
      nonce: pending.nonce,
      code_verifier: pending.codeVerifier,
    });
    const claims = tokens.claims();
    const userId = [claims.preferred_username, claims.sub].find(
      // An id the journeys accept as a reviewer id: a name or e-mail claim is not used.
      (value): value is string => typeof value === 'string' && OPERATOR_ID_PATTERN.test(value),
    );
    if (!userId) return undefined;
    return { userId, roles: rolesOf(claims[this.settings.rolesClaim]) };
  }

  private client(): Promise<BaseClient> {
    this.#client ??= Issuer.discover(this.settings.issuer).then(
      (issuer) =>
        new issuer.Client({
          client_id: this.settings.clientId,
          ...(this.settings.clientSecret
            ? { client_secret: this.settings.clientSecret, token_endpoint_auth_method: 'client_secret_basic' }
            : { token_endpoint_auth_method: 'none' }),
          response_types: ['code'],
        }),
    );
    // A failed discovery is tried again at the next sign-in.
    this.#client.catch(() => {
      this.#client = undefined;
    });
    return this.#client;
  }
}

/** The console roles in a claim: an array of names or one space-separated string; others are ignored. */
export function rolesOf(claim: unknown): ConsoleRole[] {
  const names = Array.isArray(claim) ? claim : typeof claim === 'string' ? claim.split(' ') : [];
  return ROLES.filter((role) => names.includes(role));
}

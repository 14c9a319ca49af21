/** Port of the sandbox OpenID Connect provider `npm start` runs for the reviewer console. */
export const DEFAULT_SANDBOX_OIDC_PORT = 8088;

/** The console's client at the sandbox provider (published: the provider serves loopback only). */
export const SANDBOX_CONSOLE_CLIENT_ID = 'ekyc-console';

/** The sandbox client's secret: published like every sandbox value, so never a secret anywhere else. */
export const SANDBOX_CONSOLE_CLIENT_SECRET = 'sandbox-console-client-secret-0001';

/** The claim the sandbox provider puts a user's console roles in (the default of `CONSOLE_OIDC_ROLES_CLAIM`). */
export const DEFAULT_ROLES_CLAIM = 'ekyc_roles';

/** The sandbox provider's accounts: their id is the login typed on its sign-in page (any password). */
export const SANDBOX_ACCOUNTS: ReadonlyArray<{ id: string; roles: readonly string[] }> = [
  { id: 'reviewer-1', roles: ['reviewer'] },
  { id: 'reviewer-2', roles: ['reviewer'] },
  { id: 'auditor-1', roles: ['auditor'] },
  // Two, so a publication under the four-eyes rule can be asked for by one and approved by the other.
  { id: 'policy-admin-1', roles: ['policy-admin'] },
  { id: 'policy-admin-2', roles: ['policy-admin'] },
];

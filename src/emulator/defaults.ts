/**
 * Published sandbox credentials and defaults. They only ever unlock the bundled emulator on loopback,
 * so they are safe to document; real FaceID credentials come from the environment and are never defaulted.
 */
export const SANDBOX_SECRET_ID = 'AKIDsandboxEkycJourneys0000000000000';
export const SANDBOX_SECRET_KEY = 'sandboxSecretKeyEkycJourneys0000';
export const SANDBOX_ADMIN_TOKEN = 'sandbox-admin-token';
export const DEFAULT_EMULATOR_PORT = 9100;

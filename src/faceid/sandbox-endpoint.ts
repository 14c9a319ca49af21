/**
 * Published credentials and port of the sandbox FaceID endpoint (the bundled emulator). They only ever unlock the
 * emulator on loopback, so they are safe to document; real FaceID credentials come from the environment and are never
 * defaulted. They live in the FaceID layer because the product's sandbox settings name them and never import the
 * emulator.
 */
export const SANDBOX_SECRET_ID = 'AKIDsandboxEkycJourneys0000000000000';
export const SANDBOX_SECRET_KEY = 'sandboxSecretKeyEkycJourneys0000';
export const SANDBOX_ADMIN_TOKEN = 'sandbox-admin-token';
export const DEFAULT_EMULATOR_PORT = 9100;

import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { eventually } from '../support/eventually';

const ROOT = resolve(__dirname, '..', '..');

/** The sandbox OIDC provider as its own process: oidc-provider is ESM-only and stays out of jest's module system. */
export interface SandboxOidcProcess {
  issuerUrl: string;
  stop(): void;
}

/**
 * Starts `scripts/sandbox-oidc.ts` on `port` for a console at `consoleUrl` (and any extra redirect URIs), in sandbox
 * mode, and waits until it serves its discovery document.
 */
export async function startSandboxOidc(
  port: number,
  consoleUrl: string,
  extraRedirectUris: string[] = [],
): Promise<SandboxOidcProcess> {
  const issuerUrl = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SANDBOX_OIDC_PORT: String(port),
    GATEWAY_PUBLIC_URL: consoleUrl,
    LOG_LEVEL: 'warn',
    ...(extraRedirectUris.length > 0 ? { SANDBOX_OIDC_EXTRA_REDIRECT_URIS: extraRedirectUris.join(',') } : {}),
  };
  delete env.FACEID_SECRET_ID;
  delete env.FACEID_SECRET_KEY;
  delete env.CONSOLE_OIDC_ISSUER;
  const output: string[] = [];
  const provider: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', resolve(ROOT, 'scripts', 'sandbox-oidc.ts')],
    { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  provider.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  provider.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  await eventually(
    async () => expect((await fetch(`${issuerUrl}/.well-known/openid-configuration`)).status).toBe(200),
    { what: `the sandbox OIDC provider (output: ${output.join('')})`, timeoutMs: 30_000 },
  );
  return { issuerUrl, stop: () => provider.kill('SIGTERM') };
}

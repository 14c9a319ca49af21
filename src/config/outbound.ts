import { z } from 'zod';
import { readPem, type EgressSettings } from '../egress/dispatchers';
import { parseProxySettings } from '../egress/proxy-settings';
import { DEMO_WEBHOOK_PORT, SANDBOX_WEBHOOK_SECRET } from '../gateway/sandbox-defaults';
import { checkBrowserUrl, configError, httpUrl, invalid, optionalText, secretList } from './env';

/**
 * The worker's outbound variables: where journey events go and how connections leave. The gateway checks them too,
 * so a deployment's shared environment with a wrong value stops whichever process starts, naming it.
 */
export const outboundEnv = z.object({
  // `none` turns deliveries off, also in sandbox mode where a default receiver is configured.
  WEBHOOK_URL: optionalText.pipe(z.union([z.literal('none'), httpUrl]).optional()),
  WEBHOOK_SECRETS: secretList(16),
  // PEM certificates trusted for outbound TLS (FaceID, media, webhooks) beyond the system's roots.
  OUTBOUND_CA_FILE: optionalText,
});

type OutboundEnv = z.infer<typeof outboundEnv>;

/** Where the worker delivers journey events; the first secret signs. */
export function webhookSettings(e: OutboundEnv, sandbox: boolean): { url?: string; secrets: string[] } {
  const secrets = e.WEBHOOK_SECRETS ?? (sandbox ? [SANDBOX_WEBHOOK_SECRET] : []);
  if (e.WEBHOOK_URL === 'none') return { secrets };
  // In the sandbox, events go to the receiver `npm run demo` opens; nothing listening there only means retries.
  const url = e.WEBHOOK_URL ?? (sandbox ? `http://127.0.0.1:${DEMO_WEBHOOK_PORT}/webhooks` : undefined);
  if (!url) return { secrets };
  checkBrowserUrl('WEBHOOK_URL', url, sandbox);
  if (secrets.length === 0) throw invalid('WEBHOOK_SECRETS', 'required when WEBHOOK_URL is set');
  return { url, secrets };
}

/**
 * How outbound connections leave: extra trusted CAs (`OUTBOUND_CA_FILE`) and the proxy variables, which come in two
 * spellings each and so are read from the environment itself.
 */
export function egressSettings(e: OutboundEnv, env: NodeJS.ProcessEnv): EgressSettings {
  let extraCa: string[] | undefined;
  if (e.OUTBOUND_CA_FILE) {
    try {
      extraCa = readPem(e.OUTBOUND_CA_FILE);
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw invalid('OUTBOUND_CA_FILE', `cannot use ${e.OUTBOUND_CA_FILE} (${reason})`);
    }
  }
  try {
    return { proxy: parseProxySettings(env), extraCa };
  } catch (error) {
    // The proxy settings' message names the variable already.
    throw configError([(error as Error).message]);
  }
}

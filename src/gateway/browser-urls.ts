/** Whether a URL may receive a browser or a webhook: https, or plain http on loopback in sandbox mode. */
export function isAllowedBrowserUrl(url: string, sandbox: boolean): boolean {
  const parsed = new URL(url);
  if (parsed.protocol === 'https:') return true;
  return sandbox && parsed.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname);
}

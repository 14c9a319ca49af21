import { chromium, type Browser, type BrowserContext } from 'playwright-core';

/** Debian's Chromium, installed by `npm test`'s pretest (scripts/install-tools.mjs). */
export const CHROMIUM = '/usr/bin/chromium';

/** Flags that keep Chromium off the network: this machine reaches nothing but loopback. */
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Headless Chromium for tests that need several users at once: each `newContext()` has its own cookies. */
export function launchChromiumBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
}

/**
 * Headless Chromium with a fresh profile. The flags keep it off the network: this machine reaches nothing but
 * loopback, and Chromium's background services would otherwise retry their connections all run long.
 */
export function launchChromium(
  profileDir: string,
  viewport?: { width: number; height: number },
): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    ...(viewport ? { viewport } : {}),
    args: ARGS,
  });
}

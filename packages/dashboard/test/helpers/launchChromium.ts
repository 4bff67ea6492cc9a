import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`), or the one CHROMIUM_PATH names; Playwright downloads none. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

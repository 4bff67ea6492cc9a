// Debian's Chromium (`apt-get install chromium`), or the one CHROMIUM_PATH names, headless: one launcher for the
// dashboard's browser tests, the screenshots and the benchmark (Playwright's own browser download does not work here).
import { chromium } from 'playwright-core';

export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    // Without the networking flags Chromium tries to reach Google's services and is refused.
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

import type { Browser } from 'playwright-core';

/** Debian's Chromium (or CHROMIUM_PATH), headless, with the flags that keep it off the network. */
export declare function launchChromium(): Promise<Browser>;

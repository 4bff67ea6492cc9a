// One launcher for the browser tests, the screenshots and the bench: Debian's Chromium (`apt-get install
// chromium`) or the one CHROMIUM_PATH names; Playwright downloads none.
export { launchChromium } from '../../../../scripts/chromium.mjs';

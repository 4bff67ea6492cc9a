#!/usr/bin/env node
// `pnpm screenshots [--out DIR]`: renders the dashboard's pages to PNG from the dashboard demo's requests,
// in headless Chromium (Debian's, or CHROMIUM_PATH). The README shows docs/dashboard/requests.png.
import { mkdir } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { launchChromium } from '../chromium.mjs';
import { startDashboardDemo } from './startDashboardDemo.mjs';

const { values } = parseArgs({ options: { out: { type: 'string', default: 'docs/dashboard' } } });
await mkdir(values.out, { recursive: true });
const demo = await startDashboardDemo({ port: 0, out: 'demo-output/screenshots' });
let browser;
try {
  // Every state on screen: the web project's tasks take seconds.
  await demo.waitForStates();
  browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 }, deviceScaleFactor: 1 });
  await page.goto(demo.url);
  await page.getByLabel('API key').fill(demo.keys.admin);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  const atRisk = demo.filed.find((r) => r.ticket === 'DSR-2105');
  const shots = [
    ['requests', '#/requests', 'table.requests tbody tr'],
    ['request', `#/requests/${atRisk.requestId}`, 'h1'],
    ['deadlines', '#/deadlines', 'canvas'],
    ['projects', '#/projects', 'canvas'],
    ['new-request', '#/new', 'form'],
  ];
  for (const [name, hash, ready] of shots) {
    await page.goto(`${demo.url}/${hash}`);
    await page.locator(ready).first().waitFor();
    // Charts animate in for a moment (the page also refreshes itself, so the network is never idle).
    await page.waitForTimeout(1_000);
    await page.screenshot({ path: `${values.out}/${name}.png`, fullPage: name !== 'requests' });
    console.error(`wrote ${values.out}/${name}.png`);
  }
} finally {
  await browser?.close();
  await demo.stop();
}

import { readFile } from 'node:fs/promises';
import type { ServiceRequest } from '@mixpanel-gdpr/service-client';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './helpers/launchChromium.js';
import { type DashboardService, startDashboardService } from './helpers/startDashboardService.js';
import { type PageWatch, seriousAxeViolations, watchPage } from './helpers/watchPage.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Every distinct id these tests send: none may ever appear in a URL or a log line. */
const DISTINCT_IDS = ['fresh-user-8812', 'risk-user-4471', 'risk-device-4471', 'late-user-3090', 'form-user-5150'];
const TICKET_SEARCH = 'DSR-RI';

let t: DashboardService;
let browser: Browser;
const contexts: BrowserContext[] = [];
const watches: PageWatch[] = [];
const seeded: Record<'fresh' | 'risk' | 'late', ServiceRequest> = {} as never;
let keys: { read: string; full: string };

/** A new browser context (its own cookies), its page watched for CSP violations and URLs. */
async function newPage(): Promise<Page> {
  const context = await browser.newContext({ acceptDownloads: true });
  contexts.push(context);
  // Well under vitest's own timeout, so that a missing element fails with Playwright's message.
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  watches.push(await watchPage(page));
  return page;
}

async function signIn(page: Page, key: string): Promise<void> {
  await page.goto(t.baseUrl);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** Playwright's auto-waiting, asserted with vitest: retried until it holds, for up to 10 s. */
const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 10_000 });
// Playwright's Locator.innerText (the text as shown), not the DOM property the lint rule is about.
// biome-ignore lint/performance/useDomNodeTextContent: a Playwright locator
const textOf = (locator: Locator) => locator.innerText();
const classOf = async (locator: Locator) => (await locator.getAttribute('class')) ?? '';
const rowOf = (page: Page, ticket: string) => page.locator('table.requests tbody tr', { hasText: ticket });

beforeAll(async () => {
  t = await startDashboardService();
  const submit = await t.client('read', 'submit');
  const file = async (ticket: string, receivedAgoMs: number, distinctIds: string[], kind = 'erasure' as const) =>
    (
      await submit.createRequest({
        ticket,
        kind,
        regulation: 'GDPR',
        receivedAt: new Date(t.nowMs - receivedAgoMs).toISOString(),
        distinctIds,
        projects: ['web', 'mobile'],
      })
    ).value;
  // Fresh: an hour old. At risk: three days old and still not submitted (the workflows here never send).
  // Overdue: a GDPR month has passed.
  seeded.fresh = await file('DSR-FRESH', HOUR_MS, [DISTINCT_IDS[0]!]);
  seeded.risk = await file('DSR-RISK', 3 * DAY_MS, [DISTINCT_IDS[1]!, DISTINCT_IDS[2]!]);
  seeded.late = await file('DSR-LATE', 40 * DAY_MS, [DISTINCT_IDS[3]!]);
  expect(seeded.risk.deadline.atRisk).toBe(true);
  expect(seeded.late.deadline.overdue).toBe(true);
  expect(seeded.fresh.deadline).toMatchObject({ atRisk: false, overdue: false });
  keys = { read: await t.key('read'), full: await t.key('read', 'submit', 'admin') };
  browser = await launchChromium();
});

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await t?.close();
});

describe('the dashboard in Chromium', () => {
  let page: Page;

  it('signs in with a key kept nowhere, and lists the seeded requests with the at-risk and overdue ones marked', async () => {
    page = await newPage();
    await signIn(page, keys.full);
    await poll(() => textOf(page.locator('header'))).toContain('read+submit+admin key');
    await page.getByRole('link', { name: 'New request' }).waitFor();
    await poll(() => classOf(rowOf(page, 'DSR-LATE'))).toMatch(/row-overdue/);
    await poll(() => textOf(rowOf(page, 'DSR-LATE'))).toContain('Overdue');
    await poll(() => classOf(rowOf(page, 'DSR-RISK'))).toMatch(/row-at-risk/);
    await poll(() => textOf(rowOf(page, 'DSR-RISK').locator('.badge'))).toBe('At risk');
    await poll(() => classOf(rowOf(page, 'DSR-FRESH'))).not.toMatch(/row-/);
    await poll(() => rowOf(page, 'DSR-FRESH').locator('.badge').count()).toBe(0);
    // Earliest due first: the overdue one, then the at-risk one, then the fresh one.
    await poll(() => page.locator('table.requests tbody th').allInnerTexts()).toEqual([
      'DSR-LATE',
      'DSR-RISK',
      'DSR-FRESH',
    ]);
    await poll(() => textOf(page.locator('.total-at-risk'))).toContain('1 at risk');
    await poll(() => textOf(page.locator('.total-overdue'))).toContain('1 overdue');
    // The cookie is HttpOnly, and the key is in no storage.
    const stored = await page.evaluate(() => [
      document.cookie,
      JSON.stringify(localStorage),
      JSON.stringify(sessionStorage),
    ]);
    expect(stored.join(' ')).not.toContain(keys.full.slice('mgdpr_0123456789abcdef_'.length));
    expect(stored).toEqual(['', '{}', '{}']);
  });

  it('searches by ticket (debounced) without putting the search in the URL', async () => {
    await page.getByLabel('Ticket').fill(TICKET_SEARCH);
    await poll(() => page.locator('table.requests tbody th').allInnerTexts()).toEqual(['DSR-RISK']);
    await page.getByLabel('Ticket').fill('');
    await poll(() => page.locator('table.requests tbody th').count()).toBe(3);
    expect(page.url()).not.toContain(TICKET_SEARCH);
  });

  it('opens a request, shows its ids masked until asked, and downloads its evidence pack', async () => {
    await page.getByRole('link', { name: 'DSR-RISK' }).click();
    await poll(() => textOf(page.getByRole('heading', { level: 1 }))).toContain('Erasure DSR-RISK');
    expect(page.url()).toBe(`${t.baseUrl}/#/requests/${seeded.risk.requestId}`);
    const ids = page.locator('ol.subjects');
    await poll(() => textOf(ids)).toContain('ri••');
    await poll(() => textOf(ids)).not.toContain(DISTINCT_IDS[1]!);
    await page.getByRole('button', { name: 'Show ids' }).click();
    await poll(() => textOf(ids)).toContain(DISTINCT_IDS[1]!);
    // An admin with submit may extend and cancel this open request.
    await page.getByRole('button', { name: 'Extend' }).waitFor();
    await page.getByRole('button', { name: 'Cancel request' }).waitFor();

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download evidence (JSON)' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`evidence-${seeded.risk.requestId}.json`);
    const pack = JSON.parse(await readFile((await download.path())!, 'utf8'));
    expect(pack).toMatchObject({
      format: 'mixpanel-gdpr-evidence',
      version: 1,
      request: { requestId: seeded.risk.requestId, ticket: 'DSR-RISK', kind: 'erasure' },
    });
  });

  it('files a request through the form, and the API finds it', async () => {
    await page.getByRole('link', { name: 'New request' }).click();
    await page.getByLabel('Ticket').fill('DSR-FORM-1');
    await page.getByLabel('Access (export the data)').check();
    await page.getByLabel('Received at').fill(localMinute(t.nowMs - HOUR_MS));
    await page.getByRole('checkbox', { name: 'web' }).check();
    await page.getByLabel('Distinct ids').fill(`  ${DISTINCT_IDS[4]}  \n\n`);
    await page.getByRole('button', { name: 'File request' }).dblclick();
    await poll(() => textOf(page.getByRole('heading', { level: 1 }))).toContain('Access DSR-FORM-1');
    const reader = await t.client('read');
    const found = await reader.listRequests({ ticket: 'DSR-FORM-1' });
    expect(found.items).toHaveLength(1);
    expect(found.items[0]).toMatchObject({ kind: 'access', regulation: 'GDPR', idCount: 1 });
    expect(found.items[0]!.projects.map((p) => p.project)).toEqual(['web']);
    expect(page.url()).toBe(`${t.baseUrl}/#/requests/${found.items[0]!.requestId}`);
  });

  it('refuses bad input with the error next to its field, and records nothing', async () => {
    await page.getByRole('link', { name: 'New request' }).click();
    await page.getByLabel('Ticket').fill('DSR-BAD-1');
    await page.getByLabel('Received at').fill(localMinute(t.nowMs - HOUR_MS));
    await page.getByLabel('Distinct ids').fill('good-user\nbad\u0007user');
    await page.getByRole('button', { name: 'File request' }).click();
    // No project: refused by the service, said at the projects' group.
    await page.locator('#field-projects-error').waitFor();
    await poll(() => textOf(page.getByRole('alert'))).toContain('The request was not filed');
    await page.getByRole('checkbox', { name: 'web' }).check();
    await page.getByRole('button', { name: 'File request' }).click();
    // The id with a control character, named by its line in the text box.
    await poll(() => textOf(page.locator('#field-distinctIds-error'))).toContain('Line 2');
    await poll(() => page.getByLabel('Distinct ids').getAttribute('aria-invalid')).toBe('true');
    await poll(() => page.getByLabel('Distinct ids').getAttribute('aria-describedby')).toMatch(
      /field-distinctIds-error/,
    );
    expect((await seriousAxeViolations(page)).map((v) => v.id)).toEqual([]);
    const reader = await t.client('read');
    expect((await reader.listRequests({ ticket: 'DSR-BAD' })).items).toEqual([]);
  });

  it('shows a read-only key no Cancel, Extend or New request, and the service refuses a forced cancel with 403', async () => {
    const readOnly = await newPage();
    await signIn(readOnly, keys.read);
    await readOnly.getByRole('link', { name: 'DSR-FRESH' }).click();
    await poll(() => textOf(readOnly.getByRole('heading', { level: 1 }))).toContain('DSR-FRESH');
    await readOnly.getByRole('button', { name: 'Download evidence (JSON)' }).waitFor();
    await readOnly.getByText('needs the submit scope').waitFor();
    await poll(() => readOnly.getByRole('button', { name: 'Cancel request' }).count()).toBe(0);
    await poll(() => readOnly.getByRole('button', { name: 'Extend' }).count()).toBe(0);
    await poll(() => readOnly.getByRole('link', { name: 'New request' }).count()).toBe(0);
    const status = await readOnly.evaluate(async (requestId) => {
      const { csrfToken } = await (await fetch('/v1/session')).json();
      const response = await fetch(`/v1/requests/${requestId}/cancel`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrfToken },
        body: JSON.stringify({ reason: 'forced from a read-only session' }),
      });
      return response.status;
    }, seeded.fresh.requestId);
    expect(status).toBe(403);
    const reader = await t.client('read');
    expect((await reader.getRequest(seeded.fresh.requestId)).state).not.toBe('cancelled');
  });

  it('has no serious or critical accessibility violation on any page', async () => {
    const signInPage = await newPage();
    await signInPage.goto(t.baseUrl);
    await signInPage.getByLabel('API key').waitFor();
    const pages: Array<[string, string, string]> = [
      ['sign-in', '', 'mixpanel-gdpr'],
      ['requests', '#/requests', 'Requests'],
      ['detail', `#/requests/${seeded.late.requestId}`, 'DSR-LATE'],
      ['deadlines', '#/deadlines', 'Deadlines'],
      ['projects', '#/projects', 'Projects'],
      ['new request', '#/new', 'New request'],
    ];
    const found: Record<string, string[]> = {};
    for (const [name, hash, heading] of pages) {
      const on = name === 'sign-in' ? signInPage : page;
      if (hash) await on.goto(`${t.baseUrl}/${hash}`);
      await poll(() => textOf(on.getByRole('heading', { level: 1 }))).toContain(heading);
      if (name === 'deadlines' || name === 'projects') await on.locator('canvas').first().waitFor();
      if (name === 'requests') await on.locator('table.requests tbody tr').first().waitFor();
      found[name] = (await seriousAxeViolations(on)).map((v) => `${v.id}: ${v.nodes.join(', ')}`);
    }
    expect(found).toEqual(Object.fromEntries(pages.map(([name]) => [name, []])));
  });

  it('broke no Content-Security-Policy rule, and put no id or search in a URL or the service log', async () => {
    for (const watch of watches) expect(await watch.cspViolations()).toEqual([]);
    const urls = watches.flatMap((w) => w.urls);
    expect(urls.length).toBeGreaterThan(5);
    for (const url of urls) {
      for (const id of DISTINCT_IDS) expect(url).not.toContain(id);
      expect(url).not.toContain(TICKET_SEARCH);
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/(#\/(requests(\/req-[\w-]+)?|deadlines|projects|new))?$/);
    }
    const logs = t.logs.join('');
    for (const id of DISTINCT_IDS) expect(logs).not.toContain(id);
  });
});

/** A `datetime-local` value (the browser's zone, which is this process's) for an instant. */
function localMinute(ms: number): string {
  const d = new Date(ms);
  return new Date(ms - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

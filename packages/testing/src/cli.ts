#!/usr/bin/env node
// `mixpanel-gdpr-fake [--port-file FILE]`: runs the fake on loopback until SIGINT/SIGTERM and prints its URL.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startFakeMixpanel } from './startFakeMixpanel.js';

const { values } = parseArgs({
  options: {
    'pending-ms': { type: 'string' },
    'staging-ms': { type: 'string' },
    'started-ms': { type: 'string' },
    rate: { type: 'string' },
    'url-file': { type: 'string' },
  },
});
const ms = (v: string | undefined) => (v === undefined ? undefined : Number(v));
const fake = await startFakeMixpanel({
  timings: { ...(values['pending-ms'] && { pendingMs: ms(values['pending-ms']) }), ...(values['staging-ms'] && { stagingMs: ms(values['staging-ms']) }), ...(values['started-ms'] && { startedMs: ms(values['started-ms']) }) },
  ...(values.rate && { ratePerSecond: Number(values.rate) }),
});
if (values['url-file']) writeFileSync(values['url-file'], fake.url);
console.log(`fake Mixpanel GDPR API at ${fake.url} (exports at ${fake.exportOrigin}); oauth token "fake-oauth-token", project token "fake-project-token"`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void fake.close().then(() => process.exit(0)));

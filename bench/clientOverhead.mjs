// 1. Client request overhead: sequential status calls against a loopback keep-alive server.
import { fork } from 'node:child_process';
import createClient from 'openapi-fetch';
import { createMixpanelGdprClient } from '../packages/client/dist/index.js';
import { summarize } from './stats.mjs';

export async function clientOverhead({ quick }) {
  const server = fork(new URL('./statusServer.mjs', import.meta.url));
  const port = await new Promise((resolve) => server.once('message', resolve));
  const base = `http://127.0.0.1:${port}`;
  const calls = quick ? 200 : 2_000;
  const runs = quick ? 3 : 7;
  const bare = createClient({ baseUrl: base });
  const ours = createMixpanelGdprClient({ oauthToken: 'o', projectToken: 'p', baseUrl: base });
  const variants = {
    'raw fetch': async () =>
      (await fetch(`${base}/data-deletions/v3.0/t1?token=p`, { headers: { authorization: 'Bearer o' } })).json(),
    'bare openapi-fetch': () =>
      bare.GET('/data-deletions/v3.0/{taskId}', {
        params: { path: { taskId: 't1' }, query: { token: 'p' } },
        headers: { authorization: 'Bearer o' },
      }),
    '@mixpanel-gdpr/client': () => ours.getDeletionStatus('t1'),
  };
  const perCallUs = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  for (const call of Object.values(variants)) for (let i = 0; i < 100; i++) await call(); // warm up
  const names = Object.keys(variants);
  for (let run = 0; run < runs; run++) {
    // Interleaved, so that machine noise hits every variant alike; in turn first, so that none always
    // runs after the others (and after their garbage).
    for (const name of [...names.slice(run % names.length), ...names.slice(0, run % names.length)]) {
      const start = performance.now();
      for (let i = 0; i < calls; i++) await variants[name]();
      perCallUs[name].push(((performance.now() - start) * 1000) / calls);
    }
  }
  server.disconnect();
  const s = Object.fromEntries(Object.entries(perCallUs).map(([k, v]) => [k, summarize(v)]));
  // Paired: each round's ratio, measured within seconds on the same machine load, then their median.
  const pairedRatio = (a, b) => summarize(perCallUs[a].map((v, i) => v / perCallUs[b][i])).median;
  const ratio = pairedRatio('@mixpanel-gdpr/client', 'bare openapi-fetch');
  return [
    {
      id: '1a',
      what: `bare openapi-fetch, µs per status call (${calls} calls × ${runs})`,
      value: s['bare openapi-fetch'],
      unit: 'µs',
      baseline: ['raw fetch', s['raw fetch'].median],
      ratio: pairedRatio('bare openapi-fetch', 'raw fetch'),
      target: '(about 1.13 × raw fetch)',
      met: undefined,
    },
    {
      id: '1b',
      what: `@mixpanel-gdpr/client, µs per status call`,
      value: s['@mixpanel-gdpr/client'],
      unit: 'µs',
      baseline: ['bare openapi-fetch', s['bare openapi-fetch'].median],
      ratio,
      target: '≤ 1.10 × bare openapi-fetch',
      met: ratio <= 1.1,
      extra: `${pairedRatio('@mixpanel-gdpr/client', 'raw fetch').toFixed(2)} × raw fetch; ratios paired per round`,
    },
  ];
}

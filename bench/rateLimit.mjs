// 3. Rate-limit efficiency: N batches against the fake, which enforces R req/s, versus the ideal N/R.
import { startFakeMixpanel } from '../packages/testing/dist/index.js';
import { createWorkflow, createWorkflowClient, MemoryLedger } from '../packages/workflow/dist/index.js';
import { summarize } from './stats.mjs';

export async function rateLimit({ quick }) {
  const rate = 20;
  const batches = quick ? 10 : 100;
  const runs = quick ? 1 : 3;
  const walls = [];
  let toolkit429 = 0;
  for (let run = 0; run < runs; run++) {
    const fake = await startFakeMixpanel({ ratePerSecond: rate, timings: { pendingMs: 60_000 } });
    const workflow = createWorkflow({
      client: createWorkflowClient({
        oauthToken: 'fake-oauth-token',
        projectToken: 'fake-project-token',
        baseUrl: fake.url,
      }),
      ledger: new MemoryLedger(),
      ratePerSecond: rate,
      deletionBatchSize: 10,
    });
    const jobId = await workflow.createJob({
      kind: 'deletion',
      complianceType: 'GDPR',
      ids: Array.from({ length: batches * 10 }, (_, i) => `u${i}`),
    });
    const start = performance.now();
    await workflow.run(jobId);
    walls.push((performance.now() - start) / 1000);
    toolkit429 += fake.requests.filter((r) => r.status === 429).length;
    await fake.close();
  }
  // The first request goes at once; the other N-1 are spaced 1/R apart.
  const ideal = (batches - 1) / rate;
  const wall = summarize(walls);
  return [
    {
      id: '3',
      what: `${batches} batches at ${rate} req/s, wall s (${toolkit429} × 429)`,
      value: wall,
      unit: 's',
      baseline: ['ideal (N-1)/R', ideal],
      ratio: wall.median / ideal,
      target: '≤ 1.10 × ideal, 0 × 429',
      met: wall.median / ideal <= 1.1 && toolkit429 === 0,
    },
  ];
}

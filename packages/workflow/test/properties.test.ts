import {
  BadRequestError,
  ConflictError,
  ConnectionError,
  InternalServerError,
  MixpanelGdprError,
  RateLimitError,
  TimeoutError,
  UnexpectedResponseError,
  ValidationError,
} from '@mixpanel-gdpr/client';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createWorkflow,
  emptyIdStats,
  MemoryLedger,
  normalizeIds,
  resolveWorkflowOptions,
  type WorkflowClient,
} from '../src/index.js';
import { fakeClock } from './helpers/harness.js';

const request = { method: 'POST', url: 'https://mixpanel.com/api/app/data-deletions/v3.0?token=[REDACTED]' };

describe('property: ids in, every id accounted for', () => {
  it('yields each valid id once, trimmed, and counts everything else', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.string(),
            fc.constantFrom(' a', 'a', 'a\n', '', '\u0000'),
            fc.anything().filter((v) => !Array.isArray(v)),
          ),
          { maxLength: 200 },
        ),
        async (input) => {
          const stats = emptyIdStats();
          const out: string[] = [];
          for await (const chunk of normalizeIds(input, stats)) out.push(...chunk);
          expect(new Set(out).size).toBe(out.length);
          for (const id of out) expect(id).toBe(id.trim());
          const blanks = input.filter((v) => typeof v === 'string' && v.trim() === '').length;
          expect(stats.valid + stats.duplicates + stats.invalid.length + blanks).toBe(input.length);
          expect(stats.valid).toBe(out.length);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('property: any option values resolve or fail with a ValidationError naming the option', () => {
  it('never throws anything else', () => {
    const value = fc.oneof(
      fc.integer({ min: -5, max: 5000 }),
      fc.double(),
      fc.string(),
      fc.constant(undefined),
      fc.constant(null),
    );
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.constantFrom(
            'ratePerSecond',
            'deletionBatchSize',
            'retrievalBatchSize',
            'dataGroups',
            'pollMinDelayMs',
            'pollMaxDelayMs',
            'pollAgeFraction',
            'pollJitter',
            'exportDir',
          ),
          value,
        ),
        (options) => {
          try {
            const resolved = resolveWorkflowOptions(options as never);
            expect(resolved.batchSize.deletion).toBeGreaterThan(0);
            expect(resolved.batchSize.deletion).toBeLessThanOrEqual(2000);
          } catch (error) {
            expect(error).toBeInstanceOf(ValidationError);
            expect(Object.keys(options)).toContain((error as ValidationError).field);
            expect((error as Error).message).toMatch(/ must be .* \(got .*\)$/);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

/** What a create can throw or return, as the client reports it. */
const createOutcome = fc.oneof(
  { weight: 4, arbitrary: fc.constant('ok' as const) },
  { weight: 1, arbitrary: fc.constant('429' as const) },
  { weight: 1, arbitrary: fc.constant('5xx' as const) },
  { weight: 1, arbitrary: fc.constant('timeout' as const) },
  { weight: 1, arbitrary: fc.constant('refused' as const) },
  { weight: 1, arbitrary: fc.constant('malformed' as const) },
  { weight: 1, arbitrary: fc.constant('409' as const) },
  { weight: 1, arbitrary: fc.constant('400' as const) },
  { weight: 1, arbitrary: fc.constant('too-large' as const) },
);

function scriptedClient(outcomes: string[]): WorkflowClient {
  let i = 0;
  let task = 0;
  const create = async ({ distinctIds }: { distinctIds: readonly string[] }) => {
    const outcome = outcomes[i++ % outcomes.length];
    const api = (Type: typeof BadRequestError, status: number, message: string) =>
      new Type({ status, mixpanelMessage: message, body: { error: message }, request, message });
    switch (outcome) {
      case '429':
        throw new RateLimitError({ status: 429, mixpanelMessage: 'slow down', request, retryAfterMs: 1000 });
      case '5xx':
        throw api(InternalServerError, 503, 'unavailable');
      case 'timeout':
        throw new TimeoutError({ request, timeoutMs: 10 });
      case 'refused':
        throw new ConnectionError({ request, message: 'refused', neverSent: true });
      case 'malformed':
        throw new UnexpectedResponseError({ status: 200, body: '{"sta', request, message: 'not JSON' });
      case '400':
        throw api(BadRequestError, 400, 'bad ids');
      case 'too-large':
        throw api(BadRequestError, 400, 'Too many distinct_ids');
      case '409':
        throw new ConflictError({
          status: 409,
          mixpanelMessage: 'running',
          request,
          conflictingDistinctIds: [distinctIds[0]!],
          conflictingTaskIds: ['other-task'],
        });
      default:
        return { taskId: `t${++task}` };
    }
  };
  const unused = async (): Promise<never> => {
    throw new MixpanelGdprError('not called');
  };
  return {
    createDeletion: create,
    createRetrieval: create,
    getDeletionStatus: unused,
    getRetrievalStatus: unused,
    cancelDeletion: unused,
  };
}

describe('property: any sequence of server answers leaves every batch with a recorded outcome', () => {
  it('submits until each batch is submitted, covered, split or failed, never crashing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(createOutcome, { minLength: 1, maxLength: 30 }).filter((o) => o.includes('ok')),
        fc.integer({ min: 1, max: 60 }),
        async (outcomes, n) => {
          const clock = fakeClock();
          const ledger = new MemoryLedger();
          const workflow = createWorkflow({
            client: scriptedClient(outcomes),
            ledger,
            deletionBatchSize: 7,
            now: clock.now,
            sleep: clock.sleep,
            random: () => 0.5,
          });
          const jobId = await workflow.createJob({
            kind: 'deletion',
            complianceType: 'GDPR',
            ids: Array.from({ length: n }, (_, i) => `u${i}`),
          });
          await workflow.submit(jobId);
          const job = workflow.jobs()[0]!;
          for (const batch of job.batches.values())
            expect(['submitted', 'conflict', 'split', 'failed']).toContain(batch.phase);
          const accounted = new Set<string>();
          for await (const row of (await import('../src/summarizeJob.js')).idRows(ledger, job))
            accounted.add(row.distinctId);
          expect(accounted.size).toBe(n);
        },
      ),
      { numRuns: 150 },
    );
  });
});

/**
 * The desk keeps each request's progress until its records or its jobs'
 * change, and its health until the next instant that can change it (the
 * due time, the end of the "submit within" window, the end of the local
 * day). Whatever the clock does (forwards, backwards, across midnight and
 * daylight saving), a view must equal one computed from scratch.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRequestDesk, MemoryLedger, type RequestState } from '../src/index.js';

const seed = Number(process.env.VIEW_CACHE_SEED) || Date.now() % 2 ** 31;
console.log(`view cache seed: ${seed} (rerun with VIEW_CACHE_SEED=${seed})`);

const HOUR = 3_600_000;
const START = Date.parse('2026-03-20T10:00:00Z');

describe("the desk's kept views", () => {
  it('equal views computed from scratch, whatever the clock and the records do', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 24 * 45 }), { minLength: 3, maxLength: 12 }),
        fc.array(
          fc.oneof(
            fc.record({ move: fc.integer({ min: -72 * HOUR, max: 10 * 24 * HOUR }) }),
            fc.record({ cancel: fc.nat(11) }),
            fc.record({ extend: fc.nat(11) }),
          ),
          { maxLength: 25 },
        ),
        async (receivedHoursAgo, steps) => {
          const ledger = new MemoryLedger();
          const clock = { ms: START };
          const policy = { timeZone: 'Europe/Berlin' };
          const desk = createRequestDesk({ ledger, policy, now: () => clock.ms });
          const { recorded } = await desk.receive(
            receivedHoursAgo.map((h, i) => ({
              ticket: `T-${i}`,
              kind: 'erasure' as const,
              regulation: i % 2 ? ('CCPA' as const) : ('GDPR' as const),
              receivedAt: START - h * HOUR,
              ids: [`user-${i}`],
              projects: ['default'],
            })),
          );
          const check = (requests: readonly RequestState[]) => {
            const fresh = createRequestDesk({ ledger, policy, now: () => clock.ms });
            for (const r of requests) {
              const kept = desk.view(r);
              const scratch = fresh.view(r);
              expect(kept.health, `${r.ticket} at ${new Date(clock.ms).toISOString()}`).toEqual(scratch.health);
              expect(kept.progress).toEqual(scratch.progress);
            }
          };
          check(recorded);
          for (const step of steps) {
            if ('move' in step) clock.ms += step.move;
            else {
              const request = recorded[('cancel' in step ? step.cancel : step.extend) % recorded.length]!;
              if ('cancel' in step) await desk.cancel(request, 'withdrawn');
              else await desk.extend(request, 'complex').catch(() => undefined);
            }
            check(recorded);
          }
        },
      ),
      { seed, numRuns: 150 },
    );
  });
});

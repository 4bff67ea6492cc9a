/**
 * The listing's order is kept between calls (new requests merged in, a
 * re-sort after an extension): after any mix of both it must equal a full
 * sort, and cursor pages must never skip or repeat a request.
 */
import { createRequestDesk, MemoryLedger } from '@mixpanel-gdpr/workflow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { positionOf, RequestOrder } from '../src/views/RequestOrder.js';

const seed = Number(process.env.ORDER_SEED) || Date.now() % 2 ** 31;
console.log(`request order seed: ${seed} (rerun with ORDER_SEED=${seed})`);

const NOW = Date.parse('2026-11-30T10:00:00Z');
const DAY = 86_400_000;

const key = (r: { dueAt: number; receivedAt: number; requestId: string }) => [r.dueAt, r.receivedAt, r.requestId];

describe('RequestOrder', () => {
  it('equals a full sort after any mix of new requests and extensions', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.record({ add: fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 8 }) }),
            fc.record({ extend: fc.nat() }),
          ),
          { minLength: 1, maxLength: 15 },
        ),
        async (steps) => {
          const ledger = new MemoryLedger();
          const desk = createRequestDesk({ ledger, now: () => NOW });
          const order = new RequestOrder();
          let n = 0;
          for (const step of steps) {
            if ('add' in step)
              await desk.receive(
                step.add.map((days) => ({
                  ticket: `T-${n++}`,
                  kind: 'erasure' as const,
                  regulation: 'GDPR' as const,
                  // Several on one day: the time received and the id break the ties.
                  receivedAt: NOW - days * DAY - (n % 3),
                  ids: [`u-${n}`],
                  projects: ['default'],
                })),
              );
            else if (ledger.state.requests.size) {
              const all = [...ledger.state.requests.values()];
              await desk.extend(all[step.extend % all.length]!, 'complex').catch(() => undefined);
            }
            const sorted = order.sorted(ledger.state).map(positionOf);
            const expected = [...ledger.state.requests.values()]
              .map(positionOf)
              .sort((a, b) => a.dueAt - b.dueAt || a.receivedAt - b.receivedAt || (a.requestId < b.requestId ? -1 : 1));
            expect(sorted.map(key)).toEqual(expected.map(key));
            // Resuming after each position gives the rest, exactly.
            for (const [i, position] of sorted.entries())
              expect(RequestOrder.after(order.sorted(ledger.state), position)).toBe(i + 1);
          }
        },
      ),
      { seed, numRuns: 40 },
    );
  });
});

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createSimulatedClock } from '../src/createSimulatedClock.js';

const HOUR = 3_600_000;

describe('createSimulatedClock', () => {
  it('jumps from timer to timer, firing them in time order, and a day of hourly sleeps takes no real time', async () => {
    const clock = createSimulatedClock(1_000);
    const fired: Array<[string, number]> = [];
    const loop = (async () => {
      for (let i = 0; i < 24; i++) await clock.sleep(HOUR);
      fired.push(['day', clock.now()]);
    })();
    void clock.sleep(30 * 60_000).then(() => fired.push(['half', clock.now()]));
    void clock.sleep(2 * HOUR).then(() => fired.push(['two', clock.now()]));
    const run = await clock.run();
    await loop;
    expect(fired).toEqual([
      ['half', 1_000 + 30 * 60_000],
      ['two', 1_000 + 2 * HOUR],
      ['day', 1_000 + 24 * HOUR],
    ]);
    expect(run).toEqual({ endedAt: 1_000 + 24 * HOUR, timersFired: 26 });
    expect(clock.pending).toBe(0);
  });

  it('stands still while a request is on the wire, its body included', async () => {
    // The server answers after 150 ms of real time, sending half of the body first.
    const server = createServer((_req, res) => {
      setTimeout(() => {
        res.write('{"a":');
        setTimeout(() => res.end('1}'), 50);
      }, 100);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const clock = createSimulatedClock(0);
      const fetchAt = clock.wrapFetch();
      const seen: string[] = [];
      void clock.sleep(1).then(() => seen.push(`timer at ${clock.now()}`));
      const call = (async () => {
        const response = await fetchAt(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
        seen.push(`answer at ${clock.now()}: ${JSON.stringify(await response.json())}`);
      })();
      await clock.run({ until: () => seen.length === 2 });
      await call;
      // Without the count, the 1 ms timer would fire before the answer.
      expect(seen).toEqual(['answer at 0: {"a":1}', 'timer at 1']);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('stops at until() or before a timer past endAt, and an aborted sleep rejects and is gone', async () => {
    const clock = createSimulatedClock(0);
    const controller = new AbortController();
    const aborted = clock.sleep(5 * HOUR, controller.signal).catch((e: unknown) => e);
    void clock.sleep(10 * HOUR);
    let ticks = 0;
    void (async () => {
      for (;;) {
        await clock.sleep(HOUR);
        ticks++;
      }
    })();
    expect((await clock.run({ until: () => ticks === 3 })).endedAt).toBe(3 * HOUR);
    controller.abort(new Error('stop'));
    expect(await aborted).toEqual(new Error('stop'));
    expect((await clock.run({ endAt: 7.5 * HOUR })).endedAt).toBe(7 * HOUR);
    expect(ticks).toBe(7);
    // The 10 h sleep and the loop's next one.
    expect(clock.pending).toBe(2);
  });
});

// A second process for bench 11 (intake): an open-loop load at a fixed rate, one call every 1/rate s
// whatever the answers, and prints a summary as JSON. Each call's latency counts from when it was due, not
// from when a free connection sent it: a slow service delays the calls behind it, and they count as slow
// (no coordinated omission). With a `ticketPrefix`, each call is a POST /v1/requests whose body is its own
// (a ticket, an id and an Idempotency-Key never sent before), so none is a replay; without one, a GET.
// Kept apart so the service's process measures nothing of its own clients.
//
// Not autocannon: its fixed rate sends each connection's share of a second in a burst when the second starts
// (every connection at once), and its correction for coordinated omission takes 1/rate as milliseconds
// (ceil(1 / 10) = 1 ms for 10 calls a second per connection), adding a made-up sample per millisecond of
// every answer: both make the p99 of a steady 1,000/s meaningless.
import { Agent, request } from 'node:http';

const [url, key, rate, durationS, ticketPrefix] = process.argv.slice(2);
const target = new URL(url);
const intervalMs = 1000 / Number(rate);
const total = Math.round(Number(rate) * Number(durationS));
/** Connections at most: at 1,000/s and 50 ms each about 50 are busy; beyond this many calls wait in the agent. */
const agent = new Agent({ keepAlive: true, maxSockets: 256 });
const startedAt = Date.now();
const DAY_MS = 86_400_000;
const latencies = [];
const statuses = {};
let errors = 0;
let done = 0;

function body(i) {
  return JSON.stringify({
    ticket: `${ticketPrefix}-${i}`,
    kind: i % 10 ? 'erasure' : 'access',
    regulation: i % 3 ? 'GDPR' : 'CCPA',
    // Spread over the last 25 days, as integrators file what reached them over weeks: each request's deadlines
    // are its own, not one conversion computed once.
    receivedAt: new Date(startedAt - ((i * 7_919_000) % (25 * DAY_MS))).toISOString(),
    distinctIds: [`${ticketPrefix}-subject-${i}`],
    projects: ['web'],
  });
}

function call(i, dueAt, finish) {
  const payload = ticketPrefix ? body(i) : undefined;
  const headers = { authorization: `Bearer ${key}` };
  if (payload) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = Buffer.byteLength(payload);
    headers['idempotency-key'] = `${ticketPrefix}-${i}`;
  }
  const req = request(target, { method: payload ? 'POST' : 'GET', agent, headers }, (res) => {
    res.resume();
    res.on('end', () => {
      latencies.push(performance.now() - dueAt);
      statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
      finish();
    });
  });
  req.on('error', () => {
    errors++;
    finish();
  });
  req.end(payload);
}

const started = performance.now();
await new Promise((resolve) => {
  const finish = () => {
    if (++done === total) resolve();
  };
  let sent = 0;
  const tick = () => {
    // Every call due by now: a late timer sends the calls it missed at once, each still timed from its due time.
    const now = performance.now();
    while (sent < total && started + sent * intervalMs <= now) call(sent, started + sent++ * intervalMs, finish);
    if (sent < total) setTimeout(tick, Math.max(0, started + sent * intervalMs - performance.now()));
  };
  tick();
});
const elapsedS = (performance.now() - started) / 1000;
agent.destroy();
latencies.sort((a, b) => a - b);
const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))];
const ok = Object.entries(statuses).reduce((sum, [status, n]) => (status >= 200 && status < 300 ? sum + n : sum), 0);
process.stdout.write(
  JSON.stringify({
    total,
    ok,
    perSecond: ok / elapsedS,
    p50: at(0.5),
    p99: at(0.99),
    max: latencies.at(-1),
    non2xx: total - ok - errors,
    errors,
    statuses,
  }),
);

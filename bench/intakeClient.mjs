// A second process for bench 11 (intake): autocannon at a fixed overall rate against one URL, and prints a
// summary as JSON. With a `ticketPrefix`, each call is a POST /v1/requests whose body is its own (a ticket, an
// id and an Idempotency-Key never sent before), so none is a replay; without one, each call is a GET.
// Kept apart so the service's process measures nothing of its own clients.
import autocannon from 'autocannon';

const [url, key, rate, connections, durationS, ticketPrefix] = process.argv.slice(2);
let n = 0;
const receivedAt = new Date().toISOString();
const post = ticketPrefix
  ? {
      method: 'POST',
      setupRequest(request) {
        const i = n++;
        return {
          ...request,
          headers: {
            ...request.headers,
            'content-type': 'application/json',
            'idempotency-key': `${ticketPrefix}-${i}`,
          },
          body: JSON.stringify({
            ticket: `${ticketPrefix}-${i}`,
            kind: i % 10 ? 'erasure' : 'access',
            regulation: i % 3 ? 'GDPR' : 'CCPA',
            receivedAt,
            distinctIds: [`${ticketPrefix}-subject-${i}`],
            projects: ['web'],
          }),
        };
      },
    }
  : { method: 'GET' };
const result = await autocannon({
  url,
  connections: Number(connections),
  overallRate: Number(rate),
  duration: Number(durationS),
  headers: { authorization: `Bearer ${key}` },
  requests: [post],
});
process.stdout.write(
  JSON.stringify({
    sent: n,
    total: result.requests.total,
    perSecond: result.requests.total / Number(durationS),
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: result.statusCodeStats,
  }),
);

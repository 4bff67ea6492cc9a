import { createRequestDesk, type RequestDesk } from '@mixpanel-gdpr/workflow';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deliverDueCallbacks } from '../../src/callbacks/deliverDueCallbacks.js';
import { queueCallbacks } from '../../src/callbacks/queueCallbacks.js';
import { createOpendsrSigner, type OpendsrSigner } from '../../src/opendsr/createOpendsrSigner.js';
import { opendsrCallbacks } from '../../src/opendsr/opendsrCallbacks.js';
import { runCallbacks } from '../../src/runCallbacks.js';
import { serviceState } from '../../src/views/serviceState.js';
import { toServiceRequest } from '../../src/views/toServiceRequest.js';
import { LOOPBACK_POLICY, SECRET } from '../callbacks/helpers/fixtures.js';
import { Receiver } from '../callbacks/helpers/receiver.js';
import { NOW, startTestService, type TestService } from '../helpers/startTestService.js';
import { call, expectSigned } from './helpers/http.js';
import { type ProcessorKeys, processorKeys } from './helpers/processorKeys.js';
import { progress } from './helpers/progress.js';

const DOMAIN = 'processor.test';
const ID = 'a7551968-d5d6-44b2-9831-815ac9017798';

let keys: ProcessorKeys;
let signer: OpendsrSigner;
beforeAll(() => {
  keys = processorKeys(DOMAIN);
  signer = createOpendsrSigner(keys);
});

let t: TestService;
let receiver: Receiver;
let desk: RequestDesk;
beforeEach(async () => {
  t = await startTestService({ opendsr: { signer }, callbackPolicy: LOOPBACK_POLICY });
  receiver = await Receiver.start();
  desk = createRequestDesk({ ledger: t.ledger, now: () => t.clock.ms });
});
afterEach(async () => {
  await receiver.down();
  await t.close();
});

/** Files an OpenDSR erasure whose status changes go to the receiver (under two URLs: one callback each). */
async function fileRequest(urls: string[]) {
  const answer = await call(t.baseUrl, 'POST', '/opendsr/v1/opencompliance_requests', {
    key: await t.key('submit'),
    body: {
      subject_request_id: ID,
      subject_request_type: 'erasure',
      regulation: 'gdpr',
      submitted_time: new Date(NOW - 60_000).toISOString(),
      subject_identities: [
        { identity_type: 'controller_customer_id', identity_value: 'user-1', identity_format: 'raw' },
      ],
      status_callback_urls: urls,
    },
  });
  expect(answer.status).toBe(201);
  return [...t.ledger.state.requests.values()][0]!;
}

/** One pass of the outbox as `runCallbacks` makes it, on the test's clock: queue what is owed, send what is due. */
async function outboxPass() {
  const callbacks = opendsrCallbacks(signer);
  const queued = await queueCallbacks({
    ledger: t.ledger,
    now: () => t.clock.ms,
    describe: (request) => {
      const { progress: p, health } = desk.view(request);
      return { state: serviceState(p.stage), atRisk: health.atRisk, overdue: health.overdue, extended: false };
    },
    bodyOf: (request) => toServiceRequest(desk.view(request)),
    opendsrBodyOf: callbacks.bodyOf,
    opendsrStatusOf: callbacks.statusOf,
  });
  await deliverDueCallbacks({
    ledger: t.ledger,
    now: () => t.clock.ms,
    secret: SECRET,
    policy: LOOPBACK_POLICY,
    signOpendsr: callbacks.sign,
    random: () => 0.5,
  });
  return queued.queued;
}

describe('OpenDSR status callbacks', () => {
  it('sends each status change once to every status_callback_url, signed with the processor key', async () => {
    const urls = [`${receiver.url}?c=1`, `${receiver.url}?c=2`];
    const request = await fileRequest(urls);
    // Received as pending: nothing to say yet.
    expect(await outboxPass()).toBe(0);
    expect(receiver.received).toHaveLength(0);

    await progress(t.ledger, request, 'submitted', t.clock.ms);
    expect(await outboxPass()).toBe(2);
    expect(await outboxPass()).toBe(0);
    expect(receiver.received.map((r) => r.url).sort()).toEqual(['/hooks/dsr?c=1', '/hooks/dsr?c=2']);
    for (const got of receiver.received) {
      expectSigned(got.headers as Record<string, string>, got.body, keys.certificatePem, DOMAIN);
      expect(JSON.parse(got.body)).toEqual({
        controller_id: 'test submit',
        expected_completion_time: new Date(request.dueAt).toISOString(),
        status_callback_url: `http://127.0.0.1:${receiver.port}${got.url}`,
        subject_request_id: ID,
        request_status: 'in_progress',
        api_version: '1.0',
      });
    }

    t.clock.ms += 60_000;
    await progress(t.ledger, request, 'done', t.clock.ms);
    expect(await outboxPass()).toBe(2);
    const completed = receiver.received.slice(2).map((r) => JSON.parse(r.body).request_status);
    expect(completed).toEqual(['completed', 'completed']);
    expect([...t.ledger.state.callbacks.values()].every((c) => c.status === 'delivered')).toBe(true);
  });

  it('runCallbacks queues and signs them when given opendsrCallbacks', async () => {
    const request = await fileRequest([receiver.url]);
    await progress(t.ledger, request, 'submitted', t.clock.ms);
    const stop = new AbortController();
    const running = runCallbacks({
      ledger: t.ledger,
      desk,
      secret: SECRET,
      policy: LOOPBACK_POLICY,
      signal: stop.signal,
      now: () => t.clock.ms,
      opendsr: opendsrCallbacks(signer),
    });
    // The loop sleeps between rounds in real time (up to a second): wait for the POST, not for a fixed time.
    for (let waited = 0; receiver.received.length === 0 && waited < 15_000; waited += 50)
      await new Promise((resolve) => setTimeout(resolve, 50));
    stop.abort();
    await running;
    expect(receiver.received).toHaveLength(1);
    expectSigned(
      receiver.received[0]!.headers as Record<string, string>,
      receiver.received[0]!.body,
      keys.certificatePem,
      DOMAIN,
    );
    expect(JSON.parse(receiver.received[0]!.body).request_status).toBe('in_progress');
  });
});

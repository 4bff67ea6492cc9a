import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createMixpanelGdprClient } from '../src/createMixpanelGdprClient.js';
import { fakeFetch, json, testOptions } from './helpers/fakeFetch.js';

describe("a caller's signal", () => {
  it('holds no listener after the calls it bounded: a job passes one signal to weeks of calls', async () => {
    const answers = Array.from({ length: 50 }, () => json({ status: 'ok', results: { status: 'PENDING' } }));
    const { options } = testOptions(fakeFetch(...answers));
    const client = createMixpanelGdprClient(options);
    const signal = new AbortController().signal;
    for (let i = 0; i < 50; i++) await client.getDeletionStatus(`t${i}`, { signal });
    // A Request made with the signal would leave one listener per call, until it is garbage collected.
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });
});

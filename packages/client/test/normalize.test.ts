import { describe, expect, it } from 'vitest';
import { createMixpanelGdprClient } from '../src/createMixpanelGdprClient.js';
import { InvalidTaskIdError, UnexpectedResponseError } from '../src/errors.js';
import { fakeFetch, json, testOptions } from './helpers/fakeFetch.js';

const clientAnswering = (response: Response) =>
  createMixpanelGdprClient(testOptions(fakeFetch(response), { maxRetries: 0 }).options);
const del = { distinctIds: ['u1'], complianceType: 'GDPR' } as const;

describe('tolerant parsing of create responses', () => {
  it.each([
    ['task_id object, 200', json({ status: 'ok', results: { task_id: 'abc' } })],
    ['task_id object, 201', json({ status: 'ok', results: { task_id: 'abc' } }, 201)],
    ['array with tracking_id', json({ status: 'ok', results: [{ tracking_id: 'abc' }] }, 201)],
    ['array with task_id', json({ status: 'ok', results: [{ task_id: 'abc' }] })],
  ])('reads the task id from %s', async (_, response) => {
    await expect(clientAnswering(response).createDeletion(del)).resolves.toEqual({ taskId: 'abc' });
  });

  it.each([
    ['an empty body', new Response('', { status: 200 })],
    ['a body that is not JSON', new Response('<html>oops</html>', { status: 200 })],
    ['no task id', json({ status: 'ok', results: {} })],
    ['an empty results array', json({ status: 'ok', results: [] })],
    ['a numeric task id', json({ status: 'ok', results: { task_id: 12 } })],
  ])('throws UnexpectedResponseError on %s, keeping the body', async (_, response) => {
    const error = await clientAnswering(response)
      .createRetrieval(del)
      .catch((e) => e);
    expect(error).toBeInstanceOf(UnexpectedResponseError);
    expect(error.status).toBe(200);
  });

  it.each([
    ['a parent path', '../../x', '"../../x"'],
    ['a slash', 'a/b', '"a/b"'],
    ['a lone dot', '.', '"."'],
    ['10 kB', 'x'.repeat(10_000), '… (10000 characters)'],
    ['a terminal escape', 'a\u001b[2Jb', '"a\\u001b[2Jb"'],
    ['a C1 control and a bidi override', 'a\u009b\u202eb', '"a\\u009b\\u202eb"'],
  ])('refuses a task id with %s as InvalidTaskIdError, shown escaped and short', async (_, taskId, shown) => {
    const error = await clientAnswering(json({ status: 'ok', results: { task_id: taskId } }))
      .createDeletion(del)
      .catch((e) => e);
    expect(error).toBeInstanceOf(InvalidTaskIdError);
    expect(error).toBeInstanceOf(UnexpectedResponseError);
    expect(error.message).toContain('with an unusable task id "');
    expect(error.message).toContain(shown);
    expect(error.message).toContain('the request may have made a task');
    expect(error.message.length).toBeLessThan(400);
    expect(error.message).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/);
  });
});

describe('tolerant parsing of status responses', () => {
  it.each([
    ['result', { status: 'SUCCESS', result: 'https://x.example/a.zip' }],
    ['results', { status: 'SUCCESS', results: 'https://x.example/a.zip' }],
    ['download_url', { status: 'success', download_url: 'https://x.example/a.zip' }],
    ['result empty, results set', { status: 'SUCCESS', result: '', results: 'https://x.example/a.zip' }],
  ])('reads the export link from %s', async (_, results) => {
    const status = await clientAnswering(json({ status: 'ok', results })).getRetrievalStatus('t1');
    expect(status).toEqual({
      taskId: 't1',
      status: 'SUCCESS',
      rawStatus: results.status,
      downloadUrl: 'https://x.example/a.zip',
    });
  });

  it('has no downloadUrl while the link is empty', async () => {
    const status = await clientAnswering(
      json({ status: 'ok', results: { status: 'PENDING', result: '' } }),
    ).getRetrievalStatus('t1');
    expect(status).toEqual({ taskId: 't1', status: 'PENDING', rawStatus: 'PENDING' });
  });

  it.each(['pending', 'Staging', 'STARTED', 'success', 'failure', 'revoked', 'not_found', 'unknown'])(
    'maps %s case-insensitively',
    async (raw) => {
      const status = await clientAnswering(json({ status: 'ok', results: { status: raw } })).getDeletionStatus('t1');
      expect(status.status).toBe(raw.toUpperCase());
      expect(status.rawStatus).toBe(raw);
    },
  );

  it('surfaces an unrecognised status as such, never as a known one', async () => {
    const status = await clientAnswering(json({ status: 'ok', results: { status: 'ARCHIVED' } })).getDeletionStatus(
      't1',
    );
    expect(status).toEqual({ taskId: 't1', status: 'UNRECOGNISED', rawStatus: 'ARCHIVED' });
  });

  it('reads every deletion field of the official OpenAPI, normalising casing and project id', async () => {
    const body = {
      status: 'ok',
      results: {
        status: 'SUCCESS',
        tracking_id: 'trk',
        requesting_user: 'dpo@example.com',
        compliance_type: 'ccpa',
        project_id: 42,
        date_requested: '2026-11-01T09:30:00',
        distinct_ids: ['a', 'b'],
      },
    };
    expect(await clientAnswering(json(body)).getDeletionStatus('t1')).toEqual({
      taskId: 't1',
      status: 'SUCCESS',
      rawStatus: 'SUCCESS',
      trackingId: 'trk',
      requestingUser: 'dpo@example.com',
      complianceType: 'CCPA',
      projectId: '42',
      dateRequested: '2026-11-01T09:30:00',
      distinctIds: ['a', 'b'],
    });
  });

  it.each([
    ['no results', { status: 'ok' }],
    ['no status', { status: 'ok', results: {} }],
    ['a numeric status', { status: 'ok', results: { status: 3 } }],
    ['results as a string', { status: 'ok', results: 'SUCCESS' }],
  ])('throws UnexpectedResponseError on %s', async (_, body) => {
    await expect(clientAnswering(json(body)).getDeletionStatus('t1')).rejects.toBeInstanceOf(UnexpectedResponseError);
  });
});

import { pipeline, Transform } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { OpendsrSigner } from './createOpendsrSigner.js';
import { isProblemBody, opendsrErrorOf } from './opendsrErrorOf.js';

const PREFIX = '/opendsr/';
const rawBodies = new WeakMap<FastifyRequest, Buffer[]>();

/** The bytes of an OpenDSR POST's body as received (the protocol's `encoded_request` is their base64). */
export function rawBodyOf(req: FastifyRequest): Buffer {
  return Buffer.concat(rawBodies.get(req) ?? []);
}

/**
 * What the OpenDSR routes need around the spec-driven handlers, as hooks on
 * the app (add them before the routes): the raw body of a POST is kept as
 * it streams in; a 4xx problem (bad field, no key, unknown request,
 * refused by the schema before any handler) is answered with the
 * protocol's error object instead; and, once a signer is given, every
 * answer is signed over the exact bytes sent (sections 7.4, 8.3, 9.3). A
 * 5xx stays the service's problem: the service failed or OpenDSR is off,
 * which is no answer of the protocol's.
 */
export function installOpendsrHooks(app: FastifyInstance, signer: OpendsrSigner | undefined): void {
  app.addHook('preParsing', async (req, _reply, payload) => {
    if (req.method !== 'POST' || !req.url.startsWith(PREFIX)) return payload;
    const chunks: Buffer[] = [];
    rawBodies.set(req, chunks);
    // Kept as they pass, not by listening for 'data' (which would start the flow before fastify reads).
    const copy = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        chunks.push(chunk);
        done(null, chunk);
      },
    });
    // pipeline, not pipe: a client that drops the connection errors the copy too, so fastify does not wait on it.
    return pipeline(payload, copy, () => {});
  });
  app.addHook('preSerialization', async (req, reply, payload) => {
    if (!req.url.startsWith(PREFIX) || reply.statusCode >= 500 || !isProblemBody(payload)) return payload;
    reply.type('application/json; charset=utf-8');
    return opendsrErrorOf(payload);
  });
  if (!signer) return;
  app.addHook('onSend', async (req, reply, payload) => {
    if (!req.url.startsWith(PREFIX)) return payload;
    if (payload === null || payload === undefined || typeof payload === 'string' || Buffer.isBuffer(payload))
      reply.headers(signer.sign(payload ?? ''));
    return payload;
  });
}

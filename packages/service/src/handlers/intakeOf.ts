import { createHash, createHmac } from 'node:crypto';
import type { RequestIntake } from '@mixpanel-gdpr/workflow';
import type { Caller, ServiceContext } from '../ServiceContext.js';

/**
 * How a request reached the service: the key that filed it, and its
 * Idempotency-Key as an HMAC under the service's secret, scoped to that key
 * (two integrators using the same UUID never collide), with a digest of the
 * body so the same key with another body is told apart.
 */
export function intakeOf(
  ctx: ServiceContext,
  caller: Caller,
  via: RequestIntake['via'],
  idempotencyKey: string | undefined,
  body: unknown,
): RequestIntake {
  return {
    via,
    keyId: caller.key.keyId,
    ...(idempotencyKey !== undefined && {
      idempotency: createHmac('sha256', ctx.secret).update(`${caller.key.keyId}\u0000${idempotencyKey}`).digest('hex'),
      bodySha256: createHash('sha256').update(JSON.stringify(body)).digest('hex'),
    }),
  };
}

import type { RequestState } from '@mixpanel-gdpr/workflow';
import type { OpendsrSigner } from './createOpendsrSigner.js';
import { opendsrBodyOf } from './opendsrBodyOf.js';
import { opendsrStatusOf } from './opendsrStatusOf.js';
import { publicUrlOf } from './publicUrlOf.js';

/** What the outbox needs to send OpenDSR status callbacks: `runCallbacks({ opendsr })`. */
export interface OpendsrCallbacks {
  bodyOf(request: RequestState, statusCallbackUrl: string, status: string): object;
  statusOf(state: string): string;
  sign(body: string): Record<string, string>;
}

/**
 * OpenDSR status callbacks, signed like the answers (section 8.6) with the
 * same signer the service was given. `publicUrl` as in `OpendsrOptions`.
 */
export function opendsrCallbacks(signer: OpendsrSigner, options: { publicUrl?: string | undefined } = {}) {
  const publicUrl = publicUrlOf(signer, options.publicUrl);
  return {
    bodyOf: (request, url, status) => opendsrBodyOf(request, url, status, publicUrl),
    statusOf: opendsrStatusOf,
    sign: (body) => signer.sign(body),
  } satisfies OpendsrCallbacks;
}

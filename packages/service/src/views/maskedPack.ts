import type { EvidencePack } from '@mixpanel-gdpr/workflow';
import { maskId } from './maskId.js';

/**
 * The evidence pack as a caller without `submit` sees it: every distinct id
 * masked (the request's, each task's, those not submitted, the invalid
 * values), everything else as it is. The ids are the subject's personal
 * data; the proof (tasks, statuses, times, hashes) is not.
 */
export function maskedPack(pack: EvidencePack): EvidencePack {
  return {
    ...pack,
    request: {
      ...pack.request,
      ids: pack.request.ids.map(maskId),
      invalid: pack.request.invalid.map((i) => ({ ...i, value: maskId(i.value) })),
    },
    projects: pack.projects.map((p) => ({
      ...p,
      tasks: p.tasks.map((t) => ({ ...t, ids: t.ids.map(maskId) })),
      notSubmitted: p.notSubmitted.map((n) => ({ ...n, id: maskId(n.id) })),
    })),
    notCovered: [
      ...pack.notCovered,
      'Distinct ids are masked: their full values need an API key with the submit scope.',
    ],
  };
}

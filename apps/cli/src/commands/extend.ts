import type { RequestKind } from '@mixpanel-gdpr/workflow';
import type { GlobalOptions } from '../config.js';
import { EXIT } from '../exitCodes.js';
import { openSession } from '../openSession.js';

/** Records the legal extension of a request's deadline, with its reason, where the law allows it. */
export async function extend(
  ref: string,
  o: { reason: string; kind?: RequestKind },
  globals: GlobalOptions,
): Promise<number> {
  const session = await openSession(globals, { calls: false });
  try {
    const request = session.desk.find(ref, o.kind);
    const { health } = await session.desk.extend(request, o.reason);
    session.view.result(
      { type: 'extended', requestId: request.requestId, ticket: request.ticket, dueDate: health.dueDate },
      `request ${request.ticket}: deadline extended from ${request.dueDate} to ${health.dueDate} (${request.regulation}). Tell the data subject, with the reason, before ${request.dueDate} ends.`,
    );
    return EXIT.ok;
  } finally {
    await session.close();
  }
}

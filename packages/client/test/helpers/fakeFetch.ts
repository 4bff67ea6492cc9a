/** A scripted `fetch`: each call takes the next step; every request is recorded. */
export type Step = Response | Error | ((request: Request) => Response | Promise<Response>);

export interface FakeFetch {
  fetch: typeof fetch;
  requests: Request[];
  bodies: string[];
}

export function fakeFetch(...steps: Step[]): FakeFetch {
  const requests: Request[] = [];
  const bodies: string[] = [];
  let i = 0;
  const fn = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request && !init ? input : new Request(input, init);
    requests.push(request);
    bodies.push(request.body ? await request.clone().text() : '');
    const step = steps[Math.min(i++, steps.length - 1)];
    if (step === undefined) throw new Error('fakeFetch: no step');
    if (step instanceof Error) throw step;
    if (typeof step === 'function') return step(request);
    return step.clone();
  };
  return { fetch: fn as typeof fetch, requests, bodies };
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

/** An error shaped like undici's `fetch failed` with a system error code as its cause. */
export function networkError(code: string, message = `connect ${code} 10.0.0.1:443`): Error {
  return new TypeError('fetch failed', { cause: Object.assign(new Error(message), { code }) });
}

export const created = (taskId = 'task-1', status = 200) =>
  json({ status: 'ok', results: { task_id: taskId } }, status);

export const SECRETS = { oauthToken: 'oauth-SECRET-value-123', projectToken: 'project-SECRET-token-456' };

/** Options for a client that never sleeps in real time. */
export function testOptions(f: FakeFetch, extra: Record<string, unknown> = {}) {
  const sleeps: number[] = [];
  return {
    sleeps,
    options: {
      ...SECRETS,
      fetch: f.fetch,
      sleep: async (ms: number) => {
        sleeps.push(ms);
      },
      random: () => 0.5,
      ...extra,
    },
  };
}

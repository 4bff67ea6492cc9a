/** A browser's call from the service's own page at `baseUrl`: its Origin and fetch metadata, a cookie, a token. */
export function fromPage(
  baseUrl: string,
  cookie?: string,
  csrf?: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    origin: baseUrl,
    'sec-fetch-site': 'same-origin',
    'content-type': 'application/json',
    ...(cookie && { cookie }),
    ...(csrf && { 'x-csrf-token': csrf }),
    ...extra,
  };
}

/** `POST /v1/session` with these headers: the answer, its body, the cookie set and the session's CSRF token. */
export async function signInAt(baseUrl: string, key: string, headers: Record<string, string> = fromPage(baseUrl)) {
  const response = await fetch(`${baseUrl}/v1/session`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ apiKey: key }),
  });
  const setCookie = response.headers.get('set-cookie') ?? '';
  const body = (await response.json()) as Record<string, unknown>;
  return { response, body, setCookie, cookie: setCookie.split(';')[0]!, csrf: body.csrfToken as string };
}

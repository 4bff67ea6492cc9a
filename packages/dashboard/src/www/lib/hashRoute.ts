import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { page: 'requests' }
  | { page: 'request'; requestId: string }
  | { page: 'deadlines' }
  | { page: 'projects' }
  | { page: 'new' }
  | { page: 'not-found' };

const REQUEST_ID = /^req-[0-9]{8}-[0-9]{6}-[0-9a-f]{8}$/;

/**
 * The page named by the hash. Only page names and request ids (which are not
 * personal data) are ever put there: filters, searches and ids of data
 * subjects stay in memory, out of the browser's history.
 */
export function parseHash(hash: string): Route {
  const path = hash.replace(/^#\/?/, '');
  if (path === '' || path === 'requests') return { page: 'requests' };
  if (path === 'deadlines' || path === 'projects' || path === 'new') return { page: path };
  const id = /^requests\/(.+)$/.exec(path)?.[1];
  return id && REQUEST_ID.test(id) ? { page: 'request', requestId: id } : { page: 'not-found' };
}

export const hrefOf = (route: Exclude<Route, { page: 'not-found' }>): string =>
  route.page === 'request' ? `#/requests/${route.requestId}` : `#/${route.page}`;

export function navigate(route: Exclude<Route, { page: 'not-found' }>): void {
  location.hash = hrefOf(route);
}

export function useHashRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseHash(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

import { useEffect, useRef } from 'preact/hooks';
import { hrefOf, type Route, useHashRoute } from '../lib/hashRoute.js';
import { useSignedIn } from '../lib/SessionContext.js';
import { DeadlinesPage } from '../pages/DeadlinesPage.js';
import { NewRequestPage } from '../pages/NewRequestPage.js';
import { ProjectsPage } from '../pages/ProjectsPage.js';
import { RequestPage } from '../pages/RequestPage.js';
import { RequestsPage } from '../pages/RequestsPage.js';

const NAV: Array<{ page: 'requests' | 'deadlines' | 'projects' | 'new'; label: string }> = [
  { page: 'requests', label: 'Requests' },
  { page: 'deadlines', label: 'Deadlines' },
  { page: 'projects', label: 'Projects' },
  { page: 'new', label: 'New request' },
];

/** Header (who is signed in, navigation, sign out), then the page the hash names. */
export function Layout() {
  const { session, can, signOut } = useSignedIn();
  const route = useHashRoute();
  const main = useRef<HTMLElement>(null);
  const current = route.page === 'request' ? 'requests' : route.page;
  // A new page takes the focus, as a page load would: screen readers start reading it from its top.
  const first = useRef(true);
  useEffect(() => {
    if (first.current) first.current = false;
    else main.current?.focus();
  }, [route]);

  return (
    <>
      <button type="button" class="skip-link" onClick={skipToMain}>
        Skip to content
      </button>
      <header class="site-header">
        <p class="brand">mixpanel-gdpr</p>
        <nav aria-label="Main">
          <ul>
            {NAV.filter((item) => item.page !== 'new' || can('submit')).map((item) => (
              <li key={item.page}>
                <a href={hrefOf({ page: item.page })} aria-current={current === item.page ? 'page' : undefined}>
                  {item.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="who">
          <span>
            Signed in as <strong>{session.name}</strong>
          </span>
          <span class="scopes">
            {session.scopes.map((s) => (
              <span key={s} class="scope">
                {s}
              </span>
            ))}
          </span>
          <button type="button" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        <Page route={route} />
      </main>
    </>
  );
}

function Page({ route }: { route: Route }) {
  const { can } = useSignedIn();
  switch (route.page) {
    case 'requests':
      return <RequestsPage />;
    case 'request':
      return <RequestPage key={route.requestId} requestId={route.requestId} />;
    case 'deadlines':
      return <DeadlinesPage />;
    case 'projects':
      return <ProjectsPage />;
    case 'new':
      return can('submit') ? <NewRequestPage /> : <NotAllowed />;
    default:
      return <NotFound />;
  }
}

/** A button, not a link to `#main`: the hash names the page, and the skip only moves the focus. */
function skipToMain() {
  document.getElementById('main')?.focus();
}

function NotAllowed() {
  useEffect(() => void (document.title = 'Not allowed · mixpanel-gdpr'), []);
  return (
    <>
      <h1>Not allowed</h1>
      <p>Filing a request needs a key with the submit scope.</p>
    </>
  );
}

function NotFound() {
  useEffect(() => void (document.title = 'Not found · mixpanel-gdpr'), []);
  return (
    <>
      <h1>Page not found</h1>
      <p>
        Go to the <a href={hrefOf({ page: 'requests' })}>requests</a>.
      </p>
    </>
  );
}

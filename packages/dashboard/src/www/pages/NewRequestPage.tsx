import { type NewServiceRequest, type ProjectsView, ServiceProblemError } from '@mixpanel-gdpr/service-client';
import { useRef, useState } from 'preact/hooks';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { FieldMessages, fieldProps } from '../components/FieldMessages.js';
import { navigate } from '../lib/hashRoute.js';
import { type FormErrors, type FormField, newRequestErrors } from '../lib/newRequestErrors.js';
import { useSignedIn } from '../lib/SessionContext.js';
import { useAction } from '../lib/useAction.js';
import { useAsync } from '../lib/useAsync.js';
import { usePageTitle } from '../lib/usePageTitle.js';

interface Attempt {
  body: string;
  idempotencyKey: string;
}

/**
 * Files an erasure or access request. The service validates (the same rules
 * as for any integrator) and its field errors are shown at each field; the
 * form itself checks nothing it would then have to keep in step.
 */
export function NewRequestPage() {
  usePageTitle('New request');
  const { client } = useSignedIn();
  const projects = useAsync<ProjectsView>((signal) => client.listProjects({ signal }), 'projects');
  const { busy, error, run } = useAction();
  const [errors, setErrors] = useState<{ byField: FormErrors; other: string[] }>({ byField: {}, other: [] });
  const [kind, setKind] = useState<'erasure' | 'access'>('erasure');
  const [regulation, setRegulation] = useState<'GDPR' | 'CCPA'>('GDPR');
  const [receivedAt] = useState(localNow);
  // The same body sent again (a double click, a retry after a network error) reuses its key: recorded once.
  const attempt = useRef<Attempt | undefined>(undefined);
  const summary = useRef<HTMLDivElement>(null);

  async function onSubmit(event: SubmitEvent) {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const { body, lines } = bodyOf(new FormData(form));
    const json = JSON.stringify(body);
    if (attempt.current?.body !== json) attempt.current = { body: json, idempotencyKey: crypto.randomUUID() };
    const { idempotencyKey } = attempt.current;
    let failure: unknown;
    const ok = await run('create', async () => {
      try {
        const { value } = await client.createRequest(body, { idempotencyKey });
        navigate({ page: 'request', requestId: value.requestId });
      } catch (e) {
        failure = e;
        throw e;
      }
    });
    // Filed, or a second click while the first was on its way (run() refused it): nothing to show.
    if (ok || failure === undefined) return;
    setErrors(
      failure instanceof ServiceProblemError
        ? newRequestErrors(failure.fieldErrors, lines)
        : { byField: {}, other: [] },
    );
    requestAnimationFrame(() => summary.current?.focus());
  }

  const byField = errors.byField;
  const fieldCount = Object.keys(byField).length;
  const props = (field: FormField, options?: { hint?: boolean; group?: boolean }) =>
    fieldProps(field, byField, options);
  return (
    <>
      <h1>New request</h1>
      <div ref={summary} tabIndex={-1} class="error-summary-anchor">
        {error !== undefined && (
          <div class="error-summary" role="alert">
            <h2>The request was not filed</h2>
            {fieldCount > 0 || errors.other.length > 0 ? (
              <ul>
                {Object.entries(byField).map(([field, messages]) => (
                  <li key={field}>
                    <button type="button" class="link" onClick={() => focusField(field as FormField)}>
                      {LABELS[field as FormField]}
                    </button>
                    : {messages[0]}
                    {messages.length > 1 && ` (and ${messages.length - 1} more)`}
                  </li>
                ))}
                {errors.other.map((message) => (
                  <li key={message}>{message}</li>
                ))}
              </ul>
            ) : (
              <ErrorNotice error={error} />
            )}
          </div>
        )}
      </div>
      <form class="new-request" onSubmit={onSubmit} noValidate autocomplete="off" method="post" action="/">
        <div class="field">
          <label for="field-ticket">{LABELS.ticket}</label>
          <input id="field-ticket" name="ticket" type="text" maxLength={200} {...props('ticket', { hint: true })} />
          <p id="field-ticket-hint" class="hint">
            Your own id for it, unique per kind (a ticket number).
          </p>
          <FieldMessages field="ticket" errors={byField} />
        </div>
        <fieldset class="field" {...props('kind', { group: true })}>
          <legend>{LABELS.kind}</legend>
          {(['erasure', 'access'] as const).map((k) => (
            <label key={k} class="check">
              <input type="radio" name="kind" value={k} checked={kind === k} onChange={() => setKind(k)} />
              {k === 'erasure' ? 'Erasure (delete the data)' : 'Access (export the data)'}
            </label>
          ))}
          <FieldMessages field="kind" errors={byField} />
        </fieldset>
        <div class="field">
          <label for="field-regulation">{LABELS.regulation}</label>
          <select
            id="field-regulation"
            name="regulation"
            value={regulation}
            onChange={(e) => setRegulation(e.currentTarget.value as 'GDPR' | 'CCPA')}
            {...props('regulation')}
          >
            <option value="GDPR">GDPR (one month)</option>
            <option value="CCPA">CCPA (45 days)</option>
          </select>
          <FieldMessages field="regulation" errors={byField} />
        </div>
        {regulation === 'CCPA' && kind === 'access' && (
          <div class="field">
            <label for="field-disclosureType">{LABELS.disclosureType}</label>
            <select id="field-disclosureType" name="disclosureType" {...props('disclosureType')}>
              <option value="">Mixpanel's default (Data)</option>
              <option value="Data">Data</option>
              <option value="Categories">Categories</option>
              <option value="Sources">Sources</option>
            </select>
            <FieldMessages field="disclosureType" errors={byField} />
          </div>
        )}
        <div class="field">
          <label for="field-receivedAt">{LABELS.receivedAt}</label>
          <input
            id="field-receivedAt"
            name="receivedAt"
            type="datetime-local"
            defaultValue={receivedAt}
            {...props('receivedAt', { hint: true })}
          />
          <p id="field-receivedAt-hint" class="hint">
            When the data subject made the request, in your time zone: the legal clock starts here.
          </p>
          <FieldMessages field="receivedAt" errors={byField} />
        </div>
        <fieldset class="field" {...props('projects', { group: true })}>
          <legend>{LABELS.projects}</legend>
          {projects.status === 'failed' && <ErrorNotice error={projects.error} action="Projects" />}
          {projects.value?.projects.map((p, i) => (
            <label key={p.name} class="check">
              <input type="checkbox" name="projects" value={p.name} id={i === 0 ? 'field-projects' : undefined} />
              {p.name}
            </label>
          ))}
          <FieldMessages field="projects" errors={byField} />
        </fieldset>
        <div class="field">
          <label for="field-distinctIds">{LABELS.distinctIds}</label>
          <textarea
            id="field-distinctIds"
            name="distinctIds"
            rows={6}
            spellcheck={false}
            {...props('distinctIds', { hint: true })}
          />
          <p id="field-distinctIds-hint" class="hint">
            One per line, as Mixpanel knows them; blank lines are left out. Up to 10,000 (more go in a bulk upload).
          </p>
          <FieldMessages field="distinctIds" errors={byField} />
        </div>
        <button type="submit" class="primary" disabled={busy !== undefined}>
          {busy ? 'Filing…' : 'File request'}
        </button>
      </form>
    </>
  );
}

const LABELS: Record<FormField, string> = {
  ticket: 'Ticket',
  kind: 'Kind',
  regulation: 'Regulation',
  disclosureType: 'Disclosure (CCPA access)',
  receivedAt: 'Received at',
  projects: 'Projects',
  distinctIds: 'Distinct ids',
};

/** The body to send, and for each id the line of the text box it came from (for its errors). */
function bodyOf(data: FormData): { body: NewServiceRequest; lines: number[] } {
  const text = (name: string) => String(data.get(name) ?? '');
  const lines: number[] = [];
  const distinctIds: string[] = [];
  text('distinctIds')
    .split(/\r?\n/)
    .forEach((line, i) => {
      const id = line.trim();
      if (id) distinctIds.push(id), lines.push(i + 1);
    });
  const received = text('receivedAt');
  const when = received ? new Date(received) : undefined;
  const disclosureType = text('disclosureType');
  const body = {
    ticket: text('ticket').trim(),
    kind: text('kind'),
    regulation: text('regulation'),
    ...(disclosureType && { disclosureType }),
    // An unreadable date goes as typed: the service names the field.
    receivedAt: when && !Number.isNaN(when.getTime()) ? when.toISOString() : received,
    distinctIds,
    projects: data.getAll('projects').map(String),
  } as NewServiceRequest;
  return { body, lines };
}

/** Now, as a `datetime-local` value in the browser's time zone, to the minute. */
function localNow(): string {
  const d = new Date();
  d.setSeconds(0, 0);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

function focusField(field: FormField) {
  const element = document.getElementById(`field-${field}`) ?? document.querySelector<HTMLElement>(`[name="${field}"]`);
  element?.focus();
}

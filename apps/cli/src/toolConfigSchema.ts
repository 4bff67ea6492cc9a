import { describeValue, isRegion, validateBaseUrl } from '@mixpanel-gdpr/client';
import { z } from 'zod';

/**
 * The shape of `mixpanel-gdpr.config.yaml` (see ToolConfig.ts for the
 * result). Every object is strict, so a misspelt key is an error rather than
 * a setting silently ignored. Messages are the part after the key path:
 * `must … (got …)`, the house style of @mixpanel-gdpr/client.
 */

/** An error customiser: "is required" when absent, else the rule and the value (never for tokens: see tokenSource). */
const rule =
  (text: string) =>
  (issue: { input?: unknown }): string =>
    issue.input === undefined ? 'is required' : `must ${text} (got ${describeValue(issue.input)})`;

const positive = z.number({ error: rule('be a positive number') }).positive({ error: rule('be a positive number') });

const path = z.string({ error: rule('be a file path') }).min(1, { error: rule('be a file path') });

const PROJECT_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export const TOKEN_IN_FILE =
  'tokens never go in the config file: give { env: NAME } (an environment variable holding it) or { file: PATH } (a file holding it)';

/** YYYY-MM-DD naming a day that exists (not 2026-02-30). */
function isCalendarDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return date.toISOString().startsWith(value);
}

/** The zone's canonical name (`europe/berlin` → `Europe/Berlin`), or undefined if Intl does not know it. */
export function canonicalTimeZone(timeZone: string): string | undefined {
  try {
    return new Intl.DateTimeFormat(undefined, { timeZone }).resolvedOptions().timeZone;
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

/**
 * Where a token comes from. Its value never appears in a message: a plain
 * string here is most likely the token itself, pasted in.
 */
const tokenSource = z
  .strictObject(
    {
      // Not shown either: a token pasted here would pass for a variable name.
      env: z
        .string({ error: 'must be the name of an environment variable' })
        .regex(ENV_NAME, { error: 'must be the name of an environment variable (letters, digits and _)' })
        .optional(),
      file: path
        .refine((p) => p !== '-', { error: 'cannot be "-" (stdin): several projects cannot share it; give a file' })
        .optional(),
    },
    {
      error: (issue) =>
        issue.code !== 'invalid_type'
          ? undefined
          : issue.input === undefined
            ? 'is required: give { env: NAME } or { file: PATH }'
            : typeof issue.input === 'string'
              ? TOKEN_IN_FILE
              : 'must be { env: NAME } or { file: PATH }',
    },
  )
  .refine((s) => (s.env === undefined) !== (s.file === undefined), {
    error: 'must give exactly one of env and file',
  });

const baseUrl = z.string({ error: rule('be an absolute https URL') }).transform((value, ctx) => {
  try {
    return validateBaseUrl(value, 'baseUrl');
  } catch (error) {
    // validateBaseUrl says "baseUrl must …": the key path is put in front of every message already.
    ctx.addIssue({ code: 'custom', message: (error as Error).message.replace(/^baseUrl /, ''), input: value });
    return z.NEVER;
  }
});

const project = z.strictObject({
  name: z
    .string({ error: rule('be a project name') })
    .regex(PROJECT_NAME, {
      error: rule("be 1-63 lower-case letters, digits, '_' or '-', starting with a letter or digit"),
    })
    // Jobs and requests made without a configuration belong to `default`: a configured project of that name would send for them.
    .refine((name) => name !== 'default', {
      error: rule('not be "default" (the name of the project without a configuration)'),
    }),
  region: z.string({ error: rule('be us, eu or in') }).refine(isRegion, { error: rule('be us, eu or in') }),
  baseUrl: baseUrl.optional(),
  ratePerSecond: positive.optional(),
  oauthToken: tokenSource,
  projectToken: tokenSource,
});

const requests = z.strictObject(
  {
    submitWithinMs: positive.optional(),
    atRiskDaysLeft: positive.optional(),
    nextWorkingDay: z.boolean({ error: rule('be true or false') }).optional(),
    holidays: z
      .array(
        z
          .string({ error: rule('be a date as YYYY-MM-DD') })
          .refine(isCalendarDate, { error: rule('be a date as YYYY-MM-DD') }),
        { error: rule('be a list of dates as YYYY-MM-DD') },
      )
      .optional(),
    retentionDays: z
      .number({ error: rule('be a whole number of days, at least 1') })
      .int({ error: rule('be a whole number of days, at least 1') })
      .min(1, { error: rule('be a whole number of days, at least 1') })
      .optional(),
  },
  { error: rule('be a mapping of settings') },
);

/** `serve`'s settings; a flag wins over each. Secrets come like tokens, from the environment or a file. */
const service = z.strictObject(
  {
    host: z
      .string({ error: rule('be a host name or address') })
      .min(1, { error: rule('be a host name or address') })
      .optional(),
    port: z
      .number({ error: rule('be a port number, 0 to 65535') })
      .int({ error: rule('be a port number, 0 to 65535') })
      .min(0, { error: rule('be a port number, 0 to 65535') })
      .max(65_535, { error: rule('be a port number, 0 to 65535') })
      .optional(),
    publicUrl: z.url({ error: rule('be an absolute URL') }).optional(),
    secret: tokenSource.optional(),
    callbackSecret: tokenSource.optional(),
    batchWindowMs: positive.optional(),
    exports: path.optional(),
    callbacks: z
      .strictObject(
        {
          allowHosts: z
            .array(z.string({ error: rule('be a host name') }), { error: rule('be a list of hosts') })
            .optional(),
          allowPrivate: z.boolean({ error: rule('be true or false') }).optional(),
        },
        { error: rule('be a mapping with allowHosts and allowPrivate') },
      )
      .optional(),
    opendsr: z
      .strictObject(
        {
          keyFile: path,
          certFile: path,
          identityTypes: z.array(z.string({ error: rule('be an identity type') })).optional(),
        },
        { error: rule('be a mapping with keyFile and certFile') },
      )
      .optional(),
  },
  { error: rule('be a mapping of settings') },
);

export const toolConfigSchema = z.strictObject(
  {
    timeZone: z
      .string({ error: rule('be an IANA time zone such as Europe/Berlin') })
      .transform((value, ctx) => {
        const canonical = canonicalTimeZone(value);
        if (canonical !== undefined) return canonical;
        ctx.addIssue({ code: 'custom', message: rule('be an IANA time zone such as Europe/Berlin')({ input: value }) });
        return z.NEVER;
      })
      .optional(),
    ledger: path.optional(),
    // The shared store's URL holds its password: like a token, it comes from the environment or a file.
    database: z.strictObject({ url: tokenSource }, { error: rule('be a mapping with url') }).optional(),
    requests: requests.optional(),
    service: service.optional(),
    projects: z
      .array(project, { error: rule('be a list of projects') })
      .min(1, { error: 'must list at least one project' })
      .superRefine((projects, ctx) => {
        const first = new Map<string, number>();
        projects.forEach(({ name }, i) => {
          const seen = first.get(name);
          if (seen === undefined) first.set(name, i);
          else
            ctx.addIssue({
              code: 'custom',
              path: [i, 'name'],
              message: `duplicate name ${JSON.stringify(name)} (also projects[${seen}].name): names must be unique`,
            });
        });
      }),
  },
  { error: rule('be a mapping of settings (key: value lines)') },
);

export type ToolConfigInput = z.output<typeof toolConfigSchema>;

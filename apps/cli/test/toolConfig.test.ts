/** The config file of several projects: finding it, validating it, and reading each project's tokens only when used. */
import { chmod, chown, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CliError } from '../src/CliError.js';
import { resolveConfig } from '../src/config.js';
import { findConfigPath } from '../src/findConfigPath.js';
import { knownSecrets } from '../src/knownSecrets.js';
import { loadToolConfig } from '../src/loadToolConfig.js';
import { resolveProjectCredentials } from '../src/resolveProjectCredentials.js';
import { selectProjects } from '../src/selectProjects.js';

let root: string;
let dir: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'mpgdpr-config-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
beforeEach(async () => {
  dir = await mkdtemp(join(root, 'case-'));
});

/** Writes a private file (chmod, not the umask, sets its mode) and returns its path. */
async function write(name: string, text: string, mode = 0o600): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  await chmod(path, mode);
  return path;
}

const PROJECT = `
  - name: web
    region: eu
    oauthToken: { env: WEB_OAUTH }
    projectToken: { file: ./secrets/web-project }`;

const config = (text: string) => write('mixpanel-gdpr.config.yaml', text);

/** The CliError that loading `text` throws. */
async function loadError(text: string): Promise<CliError> {
  const error = await loadToolConfig(await config(text)).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(CliError);
  expect((error as CliError).code).toBe('invalid_input');
  return error as CliError;
}

describe('loadToolConfig', () => {
  it('reads every key, resolves relative paths against the file, and leaves absent settings undefined', async () => {
    const path = await config(`# comment
timeZone: europe/berlin
ledger: ./state/ledger.jsonl
requests:
  submitWithinMs: 86400000
  atRiskDaysLeft: 7
  nextWorkingDay: true
  holidays: ["2026-12-25", 2026-12-26]
  retentionDays: 365
projects:${PROJECT}
  - name: app_2
    region: us
    baseUrl: http://127.0.0.1:4010/
    ratePerSecond: 0.5
    oauthToken: { file: /run/secrets/app-oauth }
    projectToken: { env: APP_PROJECT }
`);
    expect(await loadToolConfig(path)).toEqual({
      path,
      timeZone: 'Europe/Berlin',
      ledger: join(dir, 'state', 'ledger.jsonl'),
      requests: {
        submitWithinMs: 86_400_000,
        atRiskDaysLeft: 7,
        nextWorkingDay: true,
        holidays: ['2026-12-25', '2026-12-26'],
        retentionDays: 365,
      },
      projects: [
        {
          name: 'web',
          region: 'eu',
          baseUrl: 'https://eu.mixpanel.com/api/app',
          oauthToken: { env: 'WEB_OAUTH' },
          projectToken: { file: join(dir, 'secrets', 'web-project') },
        },
        {
          name: 'app_2',
          region: 'us',
          baseUrl: 'http://127.0.0.1:4010',
          ratePerSecond: 0.5,
          oauthToken: { file: '/run/secrets/app-oauth' },
          projectToken: { env: 'APP_PROJECT' },
        },
      ],
    });
    const minimal = await loadToolConfig(await config(`projects:${PROJECT}`));
    expect(minimal.timeZone).toBeUndefined();
    expect(minimal.ledger).toBeUndefined();
    expect(minimal.requests).toEqual({});
  });

  it('names an unknown key with its path and line, and the keys known there', async () => {
    const { message } = await loadError(`projects:${PROJECT}\n    regoin: eu\n`);
    expect(message).toContain(`config file "${join(dir, 'mixpanel-gdpr.config.yaml')}"`);
    expect(message).toMatch(/projects\[0\]\.regoin \(line 6\): unknown key \(known here: name, region, baseUrl/);
    expect((await loadError(`timezone: UTC\nprojects:${PROJECT}`)).message).toMatch(
      /timezone \(line 1\): unknown key \(known here: timeZone, ledger, database, requests, service, projects\)/,
    );
    expect((await loadError(`requests: { retentionDay: 3 }\nprojects:${PROJECT}`)).message).toContain(
      'requests.retentionDay (line 1): unknown key',
    );
    // The service's section: its secrets are never written in the file either.
    expect((await loadError(`service: { port: 99999 }\nprojects:${PROJECT}`)).message).toContain(
      'service.port (line 1): must be a port number, 0 to 65535 (got 99999)',
    );
    expect(
      (await loadError(`service: { secret: abcdefabcdefabcdefabcdefabcdefabcdef }\nprojects:${PROJECT}`)).message,
    ).toMatch(/service\.secret \(line 1\): tokens never go in the config file/);
  });

  it('names a bad region with the value', async () => {
    const { message } = await loadError(
      `projects:${PROJECT}\n  - name: two\n    region: mars\n    oauthToken: { env: A }\n    projectToken: { env: B }\n`,
    );
    expect(message).toContain('projects[1].region (line 7): must be us, eu or in (got "mars")');
  });

  it('refuses a token pasted into the file without echoing it, and redacts it', async () => {
    const token = 'pasted-SECRET-token-0123456789';
    const { message } = await loadError(
      `projects:\n  - name: web\n    region: us\n    oauthToken: "${token}"\n    projectToken: { env: ${token.replaceAll('-', '_')} }\n`,
    );
    expect(message).toContain('projects[0].oauthToken (line 4): tokens never go in the config file');
    expect(message).toContain('give { env: NAME }');
    expect(message).not.toContain('pasted');
    expect(knownSecrets.has(token)).toBe(true);
  });

  it('takes the database URL from the environment or a file, never from the file itself', async () => {
    const url = 'postgres://gdpr:db-SECRET-pw@db.internal/gdpr';
    const named = await config(`database: { url: { env: GDPR_DB } }\nprojects:${PROJECT}\n`);
    const resolved = await resolveConfig({ config: named }, { GDPR_DB: url });
    expect(resolved.databaseUrl).toBe(url);
    // A flag or DATABASE_URL wins over the file.
    expect(
      (await resolveConfig({ config: named }, { GDPR_DB: url, DATABASE_URL: 'postgres://other/db' })).databaseUrl,
    ).toBe('postgres://other/db');
    const { message } = await loadError(`database: { url: "${url}" }\nprojects:${PROJECT}\n`);
    expect(message).toContain('database.url (line 1): tokens never go in the config file');
    expect(message).not.toContain('SECRET');
    // A file found in the working directory (not named) may not choose where the ledger's data goes.
    await config(`database: { url: { env: GDPR_DB } }\nprojects:${PROJECT}\n`);
    const error = await resolveConfig({}, { GDPR_DB: url }, dir).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/found in the working directory and names a database/);
    // Nor open the service (its callbacks could be let into the internal network).
    await config(`service: { callbacks: { allowPrivate: true } }\nprojects:${PROJECT}\n`);
    const service = await resolveConfig({}, {}, dir).catch((e: unknown) => e);
    expect((service as Error).message).toMatch(/found in the working directory and configures the service/);
  });

  it('does not quote the line of a YAML syntax error, which could hold a token', async () => {
    const { message } = await loadError('projects:\n  - oauthToken: tok-SECRET: more\n');
    expect(message).toMatch(/line 2: /);
    expect(message).not.toContain('SECRET');
  });

  it('refuses a token source with neither or both of env and file, a bad variable name, or stdin', async () => {
    const project = (source: string) =>
      `projects:\n  - name: web\n    region: us\n    oauthToken: ${source}\n    projectToken: { env: P }\n`;
    expect((await loadError(project('{}'))).message).toContain(
      'oauthToken (line 4): must give exactly one of env and file',
    );
    expect((await loadError(project('{ env: A, file: b }'))).message).toContain(
      'must give exactly one of env and file',
    );
    const badName = await loadError(project('{ env: "not a-name" }'));
    expect(badName.message).toContain('oauthToken.env (line 4): must be the name of an environment variable');
    expect(badName.message).not.toContain('not a-name');
    expect((await loadError(project('{ file: "-" }'))).message).toContain('oauthToken.file (line 4): cannot be "-"');
    expect(
      (await loadError('projects:\n  - name: web\n    region: us\n    projectToken: { env: P }\n')).message,
    ).toContain('projects[0].oauthToken (line 2): is required');
  });

  it('refuses an unknown time zone, and canonicalises a known one', async () => {
    const { message } = await loadError(`timeZone: Mars/Olympus\nprojects:${PROJECT}`);
    expect(message).toContain(
      'timeZone (line 1): must be an IANA time zone such as Europe/Berlin (got "Mars/Olympus")',
    );
  });

  it('names a duplicate project name and where it first appears', async () => {
    const { message } = await loadError(`projects:${PROJECT}${PROJECT}`);
    expect(message).toContain('projects[1].name (line 6): duplicate name "web" (also projects[0].name)');
  });

  it('refuses a malformed or impossible holiday', async () => {
    for (const day of ['2026-1-5', '2026-02-30', '26-12-25', '2026-12-25T00:00']) {
      const { message } = await loadError(`requests:\n  holidays: ["2026-01-01", "${day}"]\nprojects:${PROJECT}`);
      expect(message).toContain(`requests.holidays[1] (line 2): must be a date as YYYY-MM-DD (got "${day}")`);
    }
  });

  it('refuses numbers that are not positive, and a fractional retention', async () => {
    const message = (
      await loadError(
        `requests:\n  submitWithinMs: 0\n  atRiskDaysLeft: -1\n  retentionDays: 1.5\nprojects:${PROJECT}\n    ratePerSecond: .inf\n`,
      )
    ).message;
    expect(message).toContain('requests.submitWithinMs (line 2): must be a positive number (got 0)');
    expect(message).toContain('requests.atRiskDaysLeft (line 3): must be a positive number (got -1)');
    expect(message).toContain('requests.retentionDays (line 4): must be a whole number of days, at least 1 (got 1.5)');
    expect(message).toContain('projects[0].ratePerSecond (line 10): must be a positive number (got Infinity)');
  });

  it('refuses plain http except on loopback', async () => {
    const { message } = await loadError(`projects:${PROJECT}\n    baseUrl: http://mixpanel.example.com\n`);
    expect(message).toContain('projects[0].baseUrl (line 6): must use https: plain http is allowed only on loopback');
  });

  it('refuses an empty file, no projects, and a second document', async () => {
    expect((await loadError('# nothing yet\n')).message).toContain('is empty');
    expect((await loadError('projects: []\n')).message).toContain('projects (line 1): must list at least one project');
    expect((await loadError('timeZone: UTC\n')).message).toContain('projects (line 1): is required');
    expect((await loadError(`projects:${PROJECT}\n---\nprojects: []\n`)).message).toContain('a second YAML document');
  });

  it('refuses a file that its group or others can write, or a folder that lets them replace it', async () => {
    for (const mode of [0o666, 0o620, 0o602]) {
      const path = await write('mixpanel-gdpr.config.yaml', `projects:${PROJECT}`, mode);
      const error = await loadToolConfig(path).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CliError);
      expect((error as Error).message).toMatch(/cannot be trusted: the file is writable by .* \(mode 06\d\d\)/);
    }
    const path = await write('mixpanel-gdpr.config.yaml', `projects:${PROJECT}`, 0o644);
    await expect(loadToolConfig(path)).resolves.toBeDefined();
    await chmod(dir, 0o777);
    await expect(loadToolConfig(path)).rejects.toThrow(/its folder .* is writable by its group and every user/);
    // Sticky, as /tmp: others cannot rename or delete the file.
    await chmod(dir, 0o1777);
    await expect(loadToolConfig(path)).resolves.toBeDefined();
    await chmod(dir, 0o700);
  });

  it.skipIf(process.getuid?.() !== 0)('refuses a file of another user (run as root)', async () => {
    const path = await config(`projects:${PROJECT}`);
    await chown(path, 4321, 4321);
    await expect(loadToolConfig(path)).rejects.toThrow(/belongs to uid 4321, not to you/);
  });

  it('follows a symlink, but resolves relative paths against the folder of the path given', async () => {
    const real = await config(`projects:${PROJECT}`);
    const link = join(root, `link-${Date.now()}.yaml`);
    await symlink(real, link);
    const loaded = await loadToolConfig(link);
    expect(loaded.projects[0]!.projectToken).toEqual({ file: join(root, 'secrets', 'web-project') });
  });
});

describe('findConfigPath', () => {
  it('takes the flag, then MIXPANEL_GDPR_CONFIG, then the working directory, else none', async () => {
    const path = await config(`projects:${PROJECT}`);
    const other = await write('other.yaml', `projects:${PROJECT}`);
    expect(findConfigPath('other.yaml', { MIXPANEL_GDPR_CONFIG: path }, dir)).toBe(other);
    expect(findConfigPath(undefined, { MIXPANEL_GDPR_CONFIG: 'other.yaml' }, dir)).toBe(other);
    expect(findConfigPath(undefined, { MIXPANEL_GDPR_CONFIG: '' }, dir)).toBe(path);
    expect(findConfigPath(undefined, {}, dir)).toBe(path);
    expect(findConfigPath(undefined, {}, root)).toBeUndefined();
  });

  it('refuses a named file that is missing', () => {
    expect(() => findConfigPath('missing.yaml', {}, dir)).toThrow(
      `--config: no config file "${join(dir, 'missing.yaml')}"`,
    );
    expect(() => findConfigPath(undefined, { MIXPANEL_GDPR_CONFIG: '/nowhere/c.yaml' }, dir)).toThrow(
      'MIXPANEL_GDPR_CONFIG: no config file "/nowhere/c.yaml"',
    );
    expect(() => findConfigPath('', {}, dir)).toThrow('--config: empty');
  });
});

describe('resolveProjectCredentials', () => {
  const TWO = `projects:${PROJECT}
  - name: unused
    region: us
    oauthToken: { env: UNUSED_OAUTH }
    projectToken: { file: ./secrets/missing }
`;

  it('reads env and file tokens (relative to the config), redacts them, and never touches an unused project', async () => {
    await mkdir(join(dir, 'secrets'));
    await write('secrets/web-project', 'web-PROJECT-token\n');
    const config = await loadToolConfig(await write('mixpanel-gdpr.config.yaml', TWO));
    const read: PropertyKey[] = [];
    const env = new Proxy({ WEB_OAUTH: 'web-OAUTH-token' } as NodeJS.ProcessEnv, {
      get: (target, key) => {
        read.push(key);
        return Reflect.get(target, key);
      },
    });
    const [web] = selectProjects(config, ['web']);
    const warnings: string[] = [];
    expect(await resolveProjectCredentials(web!, env, (m) => warnings.push(m))).toEqual({
      oauthToken: 'web-OAUTH-token',
      projectToken: 'web-PROJECT-token',
    });
    expect(read).toEqual(['WEB_OAUTH']);
    expect(warnings).toEqual([]);
    expect(knownSecrets.has('web-OAUTH-token') && knownSecrets.has('web-PROJECT-token')).toBe(true);
  });

  it('names the project, key and variable of a missing token, and warns of a token file others can read', async () => {
    await mkdir(join(dir, 'secrets'));
    await write('secrets/web-project', 'web-PROJECT-token', 0o644);
    const config = await loadToolConfig(await write('mixpanel-gdpr.config.yaml', TWO));
    const [web, unused] = config.projects;
    await expect(resolveProjectCredentials(web!, {}, () => {})).rejects.toThrow(
      'project "web": oauthToken: the environment variable WEB_OAUTH named in the config file is not set',
    );
    await expect(resolveProjectCredentials(web!, { WEB_OAUTH: '' }, () => {})).rejects.toThrow(/WEB_OAUTH .* is empty/);
    const warnings: string[] = [];
    await resolveProjectCredentials(web!, { WEB_OAUTH: 'x' }, (m) => warnings.push(m));
    expect(warnings).toEqual([expect.stringContaining('project "web": projectToken.file: ')]);
    const error = await resolveProjectCredentials(unused!, { UNUSED_OAUTH: 'unused-OAUTH' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as Error).message).toBe(
      `project "unused": projectToken.file: "${join(dir, 'secrets', 'missing')}" cannot be read (ENOENT)`,
    );
  });
});

describe('selectProjects', () => {
  it('gives all projects by default, the named ones in order once each, and lists the known ones for an unknown name', async () => {
    const config = await loadToolConfig(await config2());
    expect(selectProjects(config, undefined).map((p) => p.name)).toEqual(['web', 'b']);
    expect(selectProjects(config, []).map((p) => p.name)).toEqual(['web', 'b']);
    expect(selectProjects(config, ['b', 'web', 'b']).map((p) => p.name)).toEqual(['b', 'web']);
    expect(() => selectProjects(config, ['web', 'mobile'])).toThrow(
      `no project "mobile" in ${config.path} (projects: web, b)`,
    );
  });
  const config2 = () =>
    config(
      `projects:${PROJECT}\n  - name: b\n    region: in\n    oauthToken: { env: B }\n    projectToken: { env: C }\n`,
    );
});

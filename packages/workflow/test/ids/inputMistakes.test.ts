import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidationError } from '@mixpanel-gdpr/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isIdColumnName } from '../../src/ids/idColumnName.js';
import type { ReadIdsOptions } from '../../src/ids/idReader.js';
import { emptyIdStats, normalizeIds } from '../../src/ids/normalizeIds.js';
import { readIdsFromFile } from '../../src/ids/readIdsFromFile.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mpgdpr-mistakes-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function read(name: string, content: string, options: ReadIdsOptions = {}) {
  const file = join(dir, name);
  await writeFile(file, content);
  const stats = emptyIdStats();
  const out: string[] = [];
  for await (const chunk of normalizeIds(await readIdsFromFile(file, options), stats)) out.push(...chunk);
  return { out, stats, file };
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => new Error('resolved'),
    (e: unknown) => e as Error,
  );

describe('text files that are really CSV', () => {
  it('refuses a .txt of CSV rows under a header, naming the columns and the option to use', async () => {
    const error = await failure(read('people.txt', 'email,distinct_id\na@x.com,u1\nb@x.com,u2\n'));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('ids');
    expect(error.message).toBe(
      `${join(dir, 'people.txt')} looks like CSV with a header (columns: email, distinct_id), not one id per line: read it as CSV, naming the id column (--format csv --column distinct_id)`,
    );
  });

  it('refuses rows with as many commas as an unknown header, quoted and CRLF too, with NAME for the column', async () => {
    const error = await failure(read('export.txt', '"Mail","Person"\r\n"a@x.com","u1"\r\n\r\n"b@x.com","u2"\r\n'));
    expect(error.message).toMatch(
      /looks like CSV with a header \(columns: Mail, Person\), .*\(--format csv --column NAME\)$/,
    );
  });

  it('quotes a column name the shell would split', async () => {
    const error = await failure(read('spaced.txt', 'email,Distinct ID\na,u1\n'));
    expect(error.message).toMatch(/--format csv --column "Distinct ID"\)$/);
  });

  it('judges after comments and blank lines, and decides the same with 1-byte reads', async () => {
    const body = '# export of 2024-05-01\n\nemail,user_id\na,u1\n';
    for (const chunkBytes of [1, 3, 1 << 20])
      await expect(read('late.txt', body, { chunkBytes })).rejects.toThrow('(columns: email, user_id)');
  });

  it('reads ids that hold commas when the lines do not line up as rows', async () => {
    const { out, stats } = await read('commas.txt', 'a,b\nc\nd,e,f\n');
    expect(out).toEqual(['a,b', 'c', 'd,e,f']);
    expect(stats.invalid).toEqual([]);
  });

  it('reads a single id holding a comma (nothing to compare it with)', async () => {
    expect((await read('one.txt', 'a,b\n')).out).toEqual(['a,b']);
  });
});

describe('a header line in a text file', () => {
  it.each(['distinct_id', 'DISTINCT_ID', '$distinct_id', 'user_id', 'User ID', 'id', '"distinct_id"', 'email'])(
    'reports %j on the first line as a header, with its line, and sends the rest',
    async (header) => {
      const { out, stats } = await read('header.txt', `\n${header}\nu1\nu2\n`);
      expect(out).toEqual(['u1', 'u2']);
      expect(stats.invalid).toEqual([
        {
          position: 2,
          value: JSON.stringify(header).slice(1, -1),
          reason: `looks like a header line: "${JSON.stringify(header.trim()).slice(1, -1)}" names a column, not a user`,
        },
      ]);
    },
  );

  it('looks only at the first line: "id" further down is an id', async () => {
    const { out, stats } = await read('later.txt', 'u1\nid\n');
    expect(out).toEqual(['u1', 'id']);
    expect(stats.invalid).toEqual([]);
  });

  it('knows the usual id column names, and not ids that merely contain them', () => {
    for (const name of [
      'distinct_id',
      '$distinct_id',
      'Distinct Id',
      'distinct-id',
      'user_id',
      '$user_id',
      'userId',
      'id',
      'ID',
      'device_id',
      'email',
      'uuid',
    ])
      expect(isIdColumnName(name), name).toBe(true);
    for (const name of ['u1', 'user-42', 'id-7', 'alice@example.com', '12345', 'distinct_id_2', 'x'.repeat(100)])
      expect(isIdColumnName(name), name).toBe(false);
  });
});

describe('comment lines in a text file', () => {
  it('skips lines whose first non-space character is # followed by a space or nothing, keeping line numbers', async () => {
    const { out, stats } = await read(
      'comments.txt',
      '# exported 2024-05-01\n#\n  # indented\n\t#\tTAB\nu1\n#42\n#hash-tag\nu\u0007\n',
    );
    expect(out).toEqual(['u1', '#42', '#hash-tag']);
    expect(stats.read).toBe(4);
    expect(stats.invalid).toEqual([{ position: 8, value: 'u\\u0007', reason: 'contains control characters' }]);
  });

  it('keeps # lines in CSV and NDJSON, which have no comments', async () => {
    expect((await read('hash.csv', 'id\n# u1\n', { format: 'csv', column: 'id' })).out).toEqual(['# u1']);
  });
});

describe('empty CSV cells', () => {
  it('reports an empty or blank id cell with its row number, where a blank line is skipped', async () => {
    const { out, stats } = await read('gaps.csv', 'email,id\na,u1\nb,\n\nc,  \r\n"d",""\ne,u2\n', {
      format: 'csv',
      column: 'id',
    });
    expect(out).toEqual(['u1', 'u2']);
    expect(stats.read).toBe(5);
    expect(stats.invalid).toEqual([
      { position: 2, value: 'b,', reason: 'empty "id" cell in row 3' },
      { position: 3, value: 'c,  \\r', reason: 'empty "id" cell in row 5' },
      { position: 4, value: 'd,', reason: 'empty "id" cell in row 6' },
    ]);
  });

  it('reports an empty cell in the first column too', async () => {
    const { stats } = await read('first.csv', 'id,email\n,a@x.com\n', { format: 'csv', column: 'id' });
    expect(stats.invalid).toEqual([{ position: 1, value: ',a@x.com', reason: 'empty "id" cell in row 2' }]);
  });
});

describe('missing NDJSON fields', () => {
  it('names the field, at the line, for a missing, null or empty field and a line that is no object', async () => {
    const lines = ['{"id":"u1"}', '{"user":"u2"}', '', '{"id":null}', '{"id":""}', '{"id":" "}', '[]', '{"id":"u3"}'];
    const { out, stats } = await read('gaps.ndjson', `${lines.join('\n')}\n`, { format: 'ndjson', field: 'id' });
    expect(out).toEqual(['u1', 'u3']);
    expect(stats.invalid.map((i) => [i.position, i.reason])).toEqual([
      [2, 'no field "id"'],
      [4, 'field "id" is null'],
      [5, 'field "id" is empty'],
      [6, 'field "id" is empty'],
      [7, 'no field "id": the line is not a JSON object'],
    ]);
    expect(stats.invalid[0]!.value).toBe('{\\"user\\":\\"u2\\"}');
  });
});

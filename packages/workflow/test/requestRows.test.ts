import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ValidationError } from '@mixpanel-gdpr/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashingSource } from '../src/ids/hashingSource.js';
import { InvalidInput } from '../src/ids/InvalidInput.js';
import { idReader } from '../src/ids/idReader.js';
import type { ReadRequestRowsOptions, RequestRow } from '../src/ids/RequestRow.js';
import { readIdsWithDigest } from '../src/ids/readIdsWithDigest.js';
import { readRequestRows } from '../src/ids/readRequestRows.js';
import { requestRowReader } from '../src/ids/requestRowReader.js';

const EXAMPLE = fileURLToPath(new URL('../../../examples/access-requests.csv', import.meta.url));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mpgdpr-rows-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function write(name: string, content: string | Buffer): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, content);
  return file;
}

async function collect<T>(chunks: AsyncIterable<T[]>): Promise<{ items: T[]; chunks: number }> {
  const items: T[] = [];
  let count = 0;
  for await (const chunk of chunks) {
    count++;
    items.push(...chunk);
  }
  return { items, chunks: count };
}

/** Rows of a file, and its digest once read. */
async function readFile(file: string, options: ReadRequestRowsOptions) {
  const result = await readRequestRows(file, options);
  const { items, chunks } = await collect(result.rows);
  return { rows: items, chunks, sha256: result.sha256() };
}

/** Reads cut at the given byte offsets. */
async function* cutAt(bytes: Buffer, cuts: number[]): AsyncGenerator<Buffer> {
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    yield bytes.subarray(start, cut);
    start = cut;
  }
}

const readBytes = async (bytes: Buffer, options: ReadRequestRowsOptions, cuts: number[] = []) =>
  (await collect(requestRowReader(options)(cutAt(bytes, cuts), 'test'))).items;

/** What the id reader yields for the same bytes, by position, blank NDJSON lines left out. */
async function idReaderIds(bytes: Buffer, options: ReadRequestRowsOptions) {
  const read = idReader(
    options.format === 'csv'
      ? { format: 'csv', column: options.idColumn }
      : { format: 'ndjson', field: options.idColumn },
  );
  const { items } = await collect(read(cutAt(bytes, []), 'test'));
  return items.map((id, i) => ({ position: i + 1, id })).filter(({ id }) => id !== '');
}

const fileSha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

const CSV: ReadRequestRowsOptions = { format: 'csv', idColumn: 'distinct_id', requestColumn: 'request_id' };
const NDJSON: ReadRequestRowsOptions = { format: 'ndjson', idColumn: 'distinct_id', requestColumn: 'ticket' };
const latin1 = (text: string) => Buffer.from(text, 'latin1');
const invalid = (value: unknown) =>
  value instanceof InvalidInput ? { reason: value.reason, display: value.display } : value;

describe('readRequestRows: CSV', () => {
  it('reads the example file: each id with its request and received date, and its sha256', async () => {
    const { rows, sha256 } = await readFile(EXAMPLE, { ...CSV, receivedColumn: 'received' });
    const lines = readFileSync(EXAMPLE, 'utf8').trim().split('\n');
    expect(rows).toHaveLength(lines.length - 1);
    expect(rows[0]).toEqual({ position: 1, id: 'customer-0001', request: 'DSAR-1001', received: '2026-11-02' });
    rows.forEach((row, i) => {
      const [request, id, received] = lines[i + 1]!.split(',');
      expect(row).toEqual({ position: i + 1, id, request, received });
    });
    expect(sha256).toBe(fileSha256(EXAMPLE));
  });

  it('leaves out the fields whose columns are not named', async () => {
    const { rows } = await readFile(EXAMPLE, CSV);
    expect(Object.keys(rows[0]!).sort()).toEqual(['id', 'position', 'request']);
  });

  it('reads quoted cells holding commas and quotes as written, trimming only the request cells', async () => {
    const body =
      'request_id,distinct_id,received,regulation,kind\n' +
      '"DSAR-1,2"," a,b ","Nov 2, 2026",  gdpr  ,"say ""delete"""\n' +
      'DSAR-3,"x""y",2026-11-03,ccpa,access\n';
    const file = await write('quoted.csv', body);
    const { rows } = await readFile(file, {
      ...CSV,
      receivedColumn: 'received',
      regulationColumn: 'regulation',
      kindColumn: 'kind',
    });
    expect(rows).toEqual([
      // The id is the cell as the id reader yields it (normalizeIds trims it).
      {
        position: 1,
        id: ' a,b ',
        request: 'DSAR-1,2',
        received: 'Nov 2, 2026',
        regulation: 'gdpr',
        kind: 'say "delete"',
      },
      { position: 2, id: 'x"y', request: 'DSAR-3', received: '2026-11-03', regulation: 'ccpa', kind: 'access' },
    ]);
  });

  it('reads CRLF files as LF ones, blank lines skipped, positions counting data rows', async () => {
    const lf = 'request_id,distinct_id\nR1,u1\n\nR2,u2\n"R3",u3\n';
    const crlf = await readFile(await write('crlf.csv', lf.replaceAll('\n', '\r\n')), CSV);
    expect(crlf.rows.map(({ position, request }) => [position, request])).toEqual([
      [1, 'R1'],
      [2, 'R2'],
      [3, 'R3'],
    ]);
    // The id keeps the '\r' the id reader leaves on a last cell (normalizeIds trims it), so the two agree.
    const bytes = Buffer.from(lf.replaceAll('\n', '\r\n'));
    expect(crlf.rows.map(({ position, id }) => ({ position, id }))).toEqual(await idReaderIds(bytes, CSV));
    const plain = await readFile(await write('lf.csv', lf), CSV);
    expect(plain.rows.map((r) => r.request)).toEqual(crlf.rows.map((r) => r.request));
  });

  it('gives each id exactly as the CSV id reader does, invalid ones included', async () => {
    const bytes = Buffer.concat([
      Buffer.from('\uFEFFrequest_id,distinct_id\nR1,josé\nR2,\nR3\nR4,  \n'),
      latin1('R5,josé\n'),
      Buffer.from('R6,"=cmd()"\n'),
    ]);
    const rows = await readBytes(bytes, CSV);
    expect(rows.map(({ position, id }) => ({ position, id: invalid(id) }))).toEqual(
      (await idReaderIds(bytes, CSV)).map(({ position, id }) => ({ position, id: invalid(id) })),
    );
    expect(rows.map((r) => r.request)).toEqual(['R1', 'R2', 'R3', 'R4', 'R5', 'R6']);
  });

  it('refuses a header without a named column, naming the column, the option, the file and its columns', async () => {
    const file = await write('nocolumn.csv', 'ticket,distinct_id,received\nR1,u1,2026-11-02\n');
    const error = await readFile(file, CSV).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('requestColumn');
    expect((error as ValidationError).message).toBe(
      `column "request_id" is not in ${file} (columns: ticket, distinct_id, received)`,
    );
    await expect(readFile(file, { ...CSV, requestColumn: 'ticket', kindColumn: 'kind' })).rejects.toThrow(
      `column "kind" is not in ${file} (columns: ticket, distinct_id, received)`,
    );
  });

  it('reports an empty or missing request cell with its column and row (the header is row 1)', async () => {
    const file = await write('empty.csv', 'request_id,distinct_id,received\nR1,u1,d1\n,u2,d2\n  ,u3,d3\n\nR5,u5\n');
    const { rows } = await readFile(file, { ...CSV, receivedColumn: 'received' });
    expect(rows.map((r) => [r.position, invalid(r.request), invalid(r.received)])).toEqual([
      [1, 'R1', 'd1'],
      [2, { reason: 'empty "request_id" cell in row 3', display: ',u2,d2' }, 'd2'],
      [3, { reason: 'empty "request_id" cell in row 4', display: '  ,u3,d3' }, 'd3'],
      [4, 'R5', { reason: 'no "received" cell: row 6 has 2 columns', display: 'R5,u5' }],
    ]);
  });

  it('reports a request cell holding invalid UTF-8 or a control character, and passes on the rest as written', async () => {
    const body = Buffer.concat([
      Buffer.from('request_id,distinct_id\n'),
      latin1('DSAR-é,u1\n'),
      Buffer.from('"DSAR\n2",u2\n"DSAR\t3",u3\nDSAR\u202E4,u4\nDSAR\u00855,u5\nDSAR-日本-👩🏽‍💻,u6\n'),
    ]);
    const rows = await readBytes(body, CSV);
    expect(rows.map((r) => invalid(r.request))).toEqual([
      { reason: '"request_id" cell in row 2 is not valid UTF-8', display: 'DSAR-\\xE9' },
      { reason: '"request_id" cell in row 3 holds a control character (U+000A)', display: 'DSAR\\n2' },
      { reason: '"request_id" cell in row 4 holds a control character (U+0009)', display: 'DSAR\\t3' },
      { reason: '"request_id" cell in row 5 holds a control character (U+202E)', display: 'DSAR\u202E4' },
      { reason: '"request_id" cell in row 6 holds a control character (U+0085)', display: 'DSAR\u00855' },
      'DSAR-日本-👩🏽‍💻',
    ]);
    expect(rows.map((r) => r.id)).toEqual(['u1', 'u2', 'u3', 'u4', 'u5', 'u6']);
  });

  it('stops at malformed CSV as the id reader does', async () => {
    const file = await write('unterminated.csv', 'request_id,distinct_id\nR1,"u1\nR2,u2\n');
    await expect(readFile(file, CSV)).rejects.toThrow(`${file} is not valid CSV: unterminated quote at row 2`);
  });
});

describe('readRequestRows: reads cut anywhere', () => {
  // A BOM, CRLF, quotes, commas, a blank line, and characters of 2, 3 and 4 bytes: every cut lands in one of them.
  const CSV_BODY = Buffer.from(
    '\uFEFFrequest_id,distinct_id,received\r\n"DSAR-1,a",josé,2026-11-02\r\n\r\nDSAR-日本,"u""2",\r\n DSAR-3 ,👩🏽‍💻,"x, y"',
  );
  const NDJSON_BODY = Buffer.from(
    '\uFEFF{"ticket":"DSAR-1","distinct_id":"josé","received":"2026-11-02"}\r\n\n{"ticket":" 日本 ","distinct_id":42,"received":20261102}\n{"distinct_id":"👩🏽‍💻"}',
  );
  const cases = [
    ['CSV', CSV_BODY, { ...CSV, receivedColumn: 'received' }],
    ['NDJSON', NDJSON_BODY, { ...NDJSON, receivedColumn: 'received' }],
  ] as const;

  it.each(cases)('%s: the same rows whatever byte a read ends at', async (_, body, options) => {
    const whole = await readBytes(body, options);
    expect(whole).toHaveLength(3);
    for (let cut = 0; cut <= body.length; cut++)
      expect(await readBytes(body, options, [cut]), `cut at ${cut}`).toEqual(whole);
    for (let a = 1; a < body.length; a += 3)
      for (let b = a; b < body.length; b += 5)
        expect(await readBytes(body, options, [a, b]), `cuts ${a}, ${b}`).toEqual(whole);
  });

  it.each(cases)('%s: the same rows from a file read 1 to 8 bytes at a time', async (name, body, options) => {
    const file = await write(`cut.${name}`, body);
    const whole = await readBytes(body, options);
    for (let chunkBytes = 1; chunkBytes <= 8; chunkBytes++) {
      const read = await readFile(file, { ...options, chunkBytes });
      expect(read.rows, `chunkBytes ${chunkBytes}`).toEqual(whole);
      expect(read.sha256).toBe(fileSha256(file));
    }
  });

  it('yields rows as reads arrive, not once the file is read', async () => {
    const body = Buffer.from(
      `request_id,distinct_id\n${Array.from({ length: 100 }, (_, i) => `R${i},u${i}\n`).join('')}`,
    );
    let pulled = 0;
    async function* source(): AsyncGenerator<Buffer> {
      for (let i = 0; i < body.length; i += 64) {
        pulled++;
        yield body.subarray(i, i + 64);
      }
    }
    const chunks = requestRowReader(CSV)(source(), 'test');
    const first = await chunks.next();
    expect(first.done).toBe(false);
    expect(pulled).toBeLessThan(3);
    const { items, chunks: count } = await collect(chunks);
    expect(items.length + (first.value as RequestRow[]).length).toBe(100);
    expect(count).toBeGreaterThan(10);
  });
});

describe('readRequestRows: NDJSON', () => {
  const read = (text: string, options: ReadRequestRowsOptions = { ...NDJSON, receivedColumn: 'received' }) =>
    readBytes(Buffer.from(text), options);

  it('reads each line, positions being line numbers (blank lines counted, not yielded)', async () => {
    const rows = await read(
      '{"distinct_id":"u1","ticket":"DSAR-1","received":"2026-11-02"}\n\n  \n{"distinct_id":"u2","ticket":"  DSAR-2 ","received":" 2026-11-03 "}\n',
    );
    expect(rows).toEqual([
      { position: 1, id: 'u1', request: 'DSAR-1', received: '2026-11-02' },
      { position: 4, id: 'u2', request: 'DSAR-2', received: '2026-11-03' },
    ]);
  });

  it('reports a missing field, a number, null, an object, an array, a boolean and an empty string, naming the field and line', async () => {
    const lines = [
      '{"distinct_id":"u1","received":"2026-11-02"}',
      '{"distinct_id":"u2","ticket":"T2","received":20261102}',
      '{"distinct_id":"u3","ticket":null,"received":"d"}',
      '{"distinct_id":"u4","ticket":{"id":"T4"},"received":"d"}',
      '{"distinct_id":"u5","ticket":["T5"],"received":"d"}',
      '{"distinct_id":"u6","ticket":"T6","received":true}',
      '{"distinct_id":"u7","ticket":" ","received":"d"}',
      '{"distinct_id":"u8","ticket":1e3,"received":"d"}',
    ];
    const rows = await read(lines.join('\n'));
    expect(rows.map((r) => [invalid(r.request), invalid(r.received)])).toEqual([
      [{ reason: 'no field "ticket" on line 1', display: lines[0]!.replaceAll('"', '\\"') }, '2026-11-02'],
      [
        'T2',
        {
          reason: 'field "received" on line 2 is the number 20261102, not a string: quote it as written',
          display: lines[1]!.replaceAll('"', '\\"'),
        },
      ],
      [{ reason: 'field "ticket" on line 3 is null, not a string', display: expect.any(String) }, 'd'],
      [{ reason: 'field "ticket" on line 4 is an object, not a string', display: expect.any(String) }, 'd'],
      [{ reason: 'field "ticket" on line 5 is an array, not a string', display: expect.any(String) }, 'd'],
      ['T6', { reason: 'field "received" on line 6 is boolean true, not a string', display: expect.any(String) }],
      [{ reason: 'empty field "ticket" on line 7', display: expect.any(String) }, 'd'],
      [
        {
          reason: 'field "ticket" on line 8 is the number 1e3, not a string: quote it as written',
          display: expect.any(String),
        },
        'd',
      ],
    ]);
    expect(rows.map((r) => r.id)).toEqual(['u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7', 'u8']);
  });

  it('does not read a field of a nested object, nor an inherited one', async () => {
    const rows = await read(
      '{"distinct_id":"u1","meta":{"ticket":"T1","received":"d"}}\n{"distinct_id":"u2","ticket":"T2","received":"constructor"}\n',
      {
        format: 'ndjson',
        idColumn: 'distinct_id',
        requestColumn: 'ticket',
        receivedColumn: 'constructor',
      },
    );
    expect(
      rows.map((r) => [r.request instanceof InvalidInput ? r.request.reason : r.request, invalid(r.received)]),
    ).toEqual([
      ['no field "ticket" on line 1', { reason: 'no field "constructor" on line 1', display: expect.any(String) }],
      ['T2', { reason: 'no field "constructor" on line 2', display: expect.any(String) }],
    ]);
  });

  it('gives each id exactly as the NDJSON id reader does, and an unreadable line for every field', async () => {
    const bytes = Buffer.concat([
      Buffer.from('{"distinct_id":42,"ticket":"T1"}\n{"distinct_id":12345678901234567891,"ticket":"T2"}\n'),
      Buffer.from('{"ticket":"T3"}\n[1]\n{"distinct_id":"","ticket":"T5"}\n'),
      latin1('{"distinct_id":"josé","ticket":"T6"}\n'),
      Buffer.from('{"distinct_id":"u7","ticket":"T\\u0000"}\n{"distinct_id":"u8","ticket":"T\\udce9"}\n'),
    ]);
    const rows = await readBytes(bytes, NDJSON);
    expect(rows.map(({ position, id }) => ({ position, id: invalid(id) }))).toEqual(
      (await idReaderIds(bytes, NDJSON)).map(({ position, id }) => ({ position, id: invalid(id) })),
    );
    expect(rows[0]!.id).toBe('42');
    expect(rows.map((r) => (r.request instanceof InvalidInput ? r.request.reason : r.request))).toEqual([
      'T1',
      'T2',
      'T3',
      'no field "ticket" on line 4: the line is not a JSON object',
      'T5',
      'not valid UTF-8',
      'field "ticket" on line 7 holds a control character (U+0000)',
      'field "ticket" on line 8 is not valid Unicode (a lone surrogate)',
    ]);
    expect(rows[5]!.request).toBe(rows[5]!.id);
  });

  it('stops at a line that is not JSON, naming it', async () => {
    await expect(read('{"distinct_id":"u1","ticket":"T1"}\n{nope\n')).rejects.toThrow('test line 2 is not valid JSON');
  });
});

describe('readRequestRows: options', () => {
  const fails = (options: unknown) => {
    try {
      requestRowReader(options as ReadRequestRowsOptions);
    } catch (e) {
      return [(e as ValidationError).field, (e as Error).message];
    }
    return undefined;
  };

  it('refuses the text format, and any other', () => {
    expect(fails({ ...CSV, format: 'text' })).toEqual([
      'format',
      'request columns need the csv or ndjson format: a text file holds only ids, one per line',
    ]);
    expect(fails({ ...CSV, format: undefined })?.[0]).toBe('format');
    expect(fails({ ...CSV, format: 'tsv' })).toEqual(['format', 'format must be csv or ndjson (got "tsv")']);
  });

  it('requires the id and request columns, refuses empty names and a column named twice', () => {
    expect(fails({ format: 'csv', idColumn: 'id' })?.[0]).toBe('requestColumn');
    expect(fails({ format: 'csv', requestColumn: 'r' })?.[0]).toBe('idColumn');
    expect(fails({ ...CSV, kindColumn: '' })).toEqual(['kindColumn', 'kindColumn must name a column (got "")']);
    expect(fails({ ...CSV, receivedColumn: 'request_id' })).toEqual([
      'receivedColumn',
      'receivedColumn and requestColumn both name "request_id"',
    ]);
    expect(fails({ ...CSV, receivedColumn: 'received' })).toBeUndefined();
  });

  it('checks the options before the file, which it checks before reading', async () => {
    await expect(readRequestRows(join(dir, 'missing.csv'), { ...CSV, format: 'text' } as never)).rejects.toThrow(
      'request columns need',
    );
    await expect(readRequestRows(join(dir, 'missing.csv'), CSV)).rejects.toThrow('does not exist or cannot be read');
  });
});

describe('sha256 of the input', () => {
  it('hashingSource passes the bytes on unchanged and gives their digest only once they are all read', async () => {
    const parts = [Buffer.from('abc'), Buffer.from(''), Buffer.from('é\n')];
    const hashed = hashingSource(cutAt(Buffer.concat(parts), [3, 3]));
    const seen: Buffer[] = [];
    for await (const chunk of hashed.bytes) {
      expect(hashed.digest()).toBeUndefined();
      seen.push(Buffer.from(chunk));
    }
    expect(Buffer.concat(seen)).toEqual(Buffer.concat(parts));
    expect(hashed.digest()).toBe(createHash('sha256').update(Buffer.concat(parts)).digest('hex'));
  });

  it('readRequestRows: undefined until the rows are read, none if the read stops early', async () => {
    const result = await readRequestRows(EXAMPLE, { ...CSV, chunkBytes: 64 });
    expect(result.sha256()).toBeUndefined();
    for await (const _ of result.rows) break;
    expect(result.sha256()).toBeUndefined();
  });

  it('readIdsWithDigest: the ids readIdsFromFile reads, and the sha256 of the file', async () => {
    const file = await write('ids.txt', 'u1\n\nu2\r\nu3');
    const result = await readIdsWithDigest(file, { chunkBytes: 2 });
    expect(result.sha256()).toBeUndefined();
    expect((await collect(result.ids)).items).toEqual(['u1', '', 'u2', 'u3']);
    expect(result.sha256()).toBe(fileSha256(file));
    const csv = await readIdsWithDigest(EXAMPLE, { format: 'csv', column: 'distinct_id' });
    expect((await collect(csv.ids)).items).toHaveLength(readFileSync(EXAMPLE, 'utf8').trim().split('\n').length - 1);
    expect(csv.sha256()).toBe(fileSha256(EXAMPLE));
  });

  it('the empty file has the digest of nothing', async () => {
    const file = await write('empty.ndjson', '');
    const { rows, sha256 } = await readFile(file, NDJSON);
    expect(rows).toEqual([]);
    expect(sha256).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});

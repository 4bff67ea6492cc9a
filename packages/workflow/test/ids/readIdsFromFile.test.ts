import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ReadIdsOptions } from '../../src/ids/idReader.js';
import { emptyIdStats, normalizeIds } from '../../src/ids/normalizeIds.js';
import { readIdsFromFile } from '../../src/ids/readIdsFromFile.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mpgdpr-ids-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function read(content: string | Buffer, options: ReadIdsOptions = {}, name = 'ids') {
  const file = join(dir, name);
  await writeFile(file, content);
  const stats = emptyIdStats();
  const out: string[] = [];
  for await (const chunk of normalizeIds(await readIdsFromFile(file, options), stats)) out.push(...chunk);
  return { out, stats, file };
}

const CSV = { format: 'csv', column: 'id' } as const;
const NDJSON = { format: 'ndjson', field: 'user' } as const;
const latin1 = (text: string) => Buffer.from(text, 'latin1');

describe('readIdsFromFile: characters cut by a read', () => {
  it('keeps an é whose two bytes fall in two 1 MiB reads (the default read size), in every format', async () => {
    // Blank lines push "é" so that its first byte ends the first read and its second starts the next.
    const cut = (head: string, beforeE: string, after: string) =>
      `${head}${'\n'.repeat((1 << 20) - 1 - head.length - beforeE.length)}${beforeE}é${after}`;
    expect((await read(cut('', 'jos', '\n'), {}, 'cut.txt')).out).toEqual(['josé']);
    expect((await read(cut('id\n', 'jos', '\n'), CSV, 'cut.csv')).out).toEqual(['josé']);
    expect((await read(cut('', '{"user":"jos', '"}\n'), NDJSON, 'cut.ndjson')).out).toEqual(['josé']);
  });

  it('reads the same ids with 1-byte reads as with large ones (chunkBytes)', async () => {
    const body = '\uFEFFjosé\r\n日本\r\n\r\n👩🏽‍💻';
    expect((await read(body, { chunkBytes: 1 })).out).toEqual(['josé', '日本', '👩🏽‍💻']);
  });
});

describe('readIdsFromFile: invalid UTF-8', () => {
  it('reports each line that is not valid UTF-8 with its line number, and reads the rest', async () => {
    const body = Buffer.concat([
      latin1('josé\njosè\nok\n'),
      Buffer.from([0xc3, 0x0a]),
      Buffer.from('café\nab'),
      Buffer.from([0xe2, 0x82]),
    ]);
    const { out, stats } = await read(body, { chunkBytes: 3 });
    expect(out).toEqual(['ok', 'café']);
    expect(stats.invalid).toEqual([
      { position: 1, value: 'jos\\xE9', reason: 'not valid UTF-8' },
      { position: 2, value: 'jos\\xE8', reason: 'not valid UTF-8' },
      { position: 4, value: '\\xC3', reason: 'not valid UTF-8' },
      { position: 6, value: 'ab\\xE2\\x82', reason: 'not valid UTF-8' },
    ]);
  });

  it('reports a CSV field and an NDJSON line that are not valid UTF-8', async () => {
    const csv = await read(
      Buffer.concat([Buffer.from('email,id\na,'), latin1('josé\nb,josè\nc,ok\n')]),
      CSV,
      'latin1.csv',
    );
    expect(csv.out).toEqual(['ok']);
    expect(csv.stats.invalid.map((i) => [i.position, i.value, i.reason])).toEqual([
      [1, 'jos\\xE9', 'not valid UTF-8'],
      [2, 'jos\\xE8', 'not valid UTF-8'],
    ]);
    const ndjson = await read(
      Buffer.concat([latin1('{"user":"josé"}\n\n'), Buffer.from('{"user":"ok"}\n')]),
      NDJSON,
      'latin1.ndjson',
    );
    expect(ndjson.out).toEqual(['ok']);
    expect(ndjson.stats.invalid).toEqual([
      { position: 1, value: '{\\"user\\":\\"jos\\xE9\\"}', reason: 'not valid UTF-8' },
    ]);
  });
});

describe('readIdsFromFile: NDJSON numbers', () => {
  it('takes a safe integer as written, and reports numbers JSON cannot carry exactly', async () => {
    const lines = [
      '{"user":42}',
      '{"user":12345678901234567891}',
      '{"user":1e3}',
      '{"user":1.5}',
      '{"user" : -7 }',
      '{"user":9007199254740991}',
      '{"user":9007199254740992}',
      '{"a":{"user":1.5},"us\\u0065r":7,"b":[1,{"user":2}]}',
      '{"user":"x","user":8}',
    ];
    const { out, stats } = await read(`${lines.join('\n')}\n`, NDJSON, 'numbers.ndjson');
    expect(out).toEqual(['42', '-7', '9007199254740991', '7', '8']);
    const reason = 'a number that JSON cannot carry exactly (only integers up to 2^53-1 can): quote it as a string';
    expect(stats.invalid).toEqual([
      { position: 2, value: '12345678901234567891', reason },
      { position: 3, value: '1e3', reason },
      { position: 4, value: '1.5', reason },
      { position: 7, value: '9007199254740992', reason },
    ]);
  });

  it('counts blank lines, so that positions are line numbers', async () => {
    const { stats } = await read('{"user":"u1"}\n\n\n{"user":true}\n', NDJSON, 'blank.ndjson');
    expect(stats.invalid).toEqual([{ position: 4, value: 'true', reason: 'not a string' }]);
  });

  it("reports a field that is not the record's own, and a record that is not an object, as no field", async () => {
    const { stats } = await read(
      '{"other":1}\n"user"\n[1]\n',
      { format: 'ndjson', field: 'constructor' },
      'own.ndjson',
    );
    expect(stats.invalid.map((i) => i.reason)).toEqual([
      'no field "constructor"',
      'no field "constructor": the line is not a JSON object',
      'no field "constructor": the line is not a JSON object',
    ]);
  });
});

describe('readIdsFromFile: byte order marks', () => {
  it('reads NDJSON, text and CSV (quoted header too) that start with a BOM', async () => {
    expect((await read('\uFEFF{"user":"u1"}\n', NDJSON, 'bom.ndjson')).out).toEqual(['u1']);
    expect((await read('\uFEFFu1\nu2', {}, 'bom.txt')).out).toEqual(['u1', 'u2']);
    expect((await read('\uFEFF"id","x"\n"u1",1\n', CSV, 'bom.csv')).out).toEqual(['u1']);
  });
});

describe('readIdsFromFile: over-long lines', () => {
  it('reports a 32 MiB line as invalid without holding it, and reads on', async () => {
    const huge = 'x'.repeat(32 << 20);
    const { out, stats } = await read(`u1\n${huge}\r\nu2\n`, {}, 'huge.txt');
    expect(out).toEqual(['u1', 'u2']);
    expect(stats.invalid).toEqual([
      {
        position: 2,
        value: `${'x'.repeat(80)}… (${(32 << 20) + 1} characters)`,
        reason: 'line longer than 65536 characters',
      },
    ]);
  });

  it('reports an NDJSON line past 1 MiB as invalid, a last line without newline too', async () => {
    const long = `{"user":"${'y'.repeat(2 << 20)}"}`;
    const { out, stats } = await read(
      `${long}\n{"user":"u1"}\n${long}`,
      { ...NDJSON, chunkBytes: 64 << 10 },
      'huge.ndjson',
    );
    expect(out).toEqual(['u1']);
    expect(stats.invalid.map((i) => [i.position, i.reason])).toEqual([
      [1, 'line longer than 1048576 characters'],
      [3, 'line longer than 1048576 characters'],
    ]);
  });

  it('stops at a CSV row past 1 MiB with an error naming the row, also when an unterminated quote swallows the file', async () => {
    await expect(read(`id\nu1\n${'z'.repeat(3 << 20)}\nu2\n`, CSV, 'huge.csv')).rejects.toThrow(
      /huge\.csv is not valid CSV: row 3 is longer than 1048576 characters/,
    );
    await expect(read(`id\n"u1\n${'u2\n'.repeat(1 << 20)}`, CSV, 'quote.csv')).rejects.toThrow(
      /quote\.csv is not valid CSV: row 2 is longer than 1048576 characters \(an unterminated quote\?\)/,
    );
  });
});

describe('readIdsFromFile: CSV', () => {
  it('reads a one-column file whose ids hold | ; or tabs as they are (no delimiter guessing)', async () => {
    // papaparse's guess took '|' here (more fields per row, as consistently) and read "a" for "a|b|c".
    expect((await read('id\na|b|c\nd|e|f\ng|h|i\n', CSV, 'pipes.csv')).out).toEqual(['a|b|c', 'd|e|f', 'g|h|i']);
    expect((await read('id\na;b;c\nd;e;f\n', CSV, 'semi.csv')).out).toEqual(['a;b;c', 'd;e;f']);
  });

  it('reads CRLF files, quoted fields and blank lines', async () => {
    expect((await read('email,id\r\n"a","u1"\r\nb,u2\r\n\r\nc,"u,3"\r\n', CSV, 'crlf.csv')).out).toEqual([
      'u1',
      'u2',
      'u,3',
    ]);
  });

  it('reports a row without the id column with its row number, not as blank', async () => {
    const { stats } = await read('email,id\na,u1\nb\n', CSV, 'short.csv');
    expect(stats.invalid).toEqual([{ position: 2, value: 'b', reason: 'no "id" cell: row 3 has 1 column' }]);
  });

  it('stops at malformed quotes, naming the row, rather than reading an altered id', async () => {
    await expect(read('id\nu1\n"u2"x\n', CSV, 'quotes.csv')).rejects.toThrow(
      'quotes.csv is not valid CSV: malformed quotes at row 3',
    );
  });
});

describe('readIdsFromFile: stdin', () => {
  it('reads "-" from stdin', async () => {
    vi.spyOn(process, 'stdin', 'get').mockReturnValue(
      Readable.from([Buffer.from('u1\nu'), Buffer.from('2\n')]) as unknown as typeof process.stdin,
    );
    try {
      const stats = emptyIdStats();
      const out: string[] = [];
      for await (const chunk of normalizeIds(await readIdsFromFile('-'), stats)) out.push(...chunk);
      expect(out).toEqual(['u1', 'u2']);
    } finally {
      vi.restoreAllMocks();
    }
  });
});

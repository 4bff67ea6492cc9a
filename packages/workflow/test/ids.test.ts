import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInput } from '../src/ids/InvalidInput.js';
import { emptyIdStats, normalizeIds } from '../src/ids/normalizeIds.js';
import { readIdsFromFile } from '../src/ids/readIdsFromFile.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mpgdpr-ids-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function collect(source: AsyncIterable<unknown> | Iterable<unknown>) {
  // Chunks (arrays) and single ids are both accepted.
  const stats = emptyIdStats();
  const out: string[] = [];
  for await (const chunk of normalizeIds(source, stats)) out.push(...chunk);
  return { out, stats };
}

describe('normalizeIds', () => {
  it('trims, deduplicates and reports invalid ids with their position', async () => {
    const { out, stats } = await collect([' a ', 'b', '', 'a', 'c\u0007', 'x'.repeat(300), 'b', '   ']);
    expect(out).toEqual(['a', 'b']);
    expect(stats).toMatchObject({ read: 6, valid: 2, duplicates: 2 });
    expect(stats.invalid).toEqual([
      { position: 5, value: 'c\\u0007', reason: 'contains control characters' },
      { position: 6, value: `${'x'.repeat(80)}… (300 characters)`, reason: 'longer than 255 characters' },
    ]);
  });

  it('reports values that are not strings without calling their toString', async () => {
    const { stats } = await collect([
      { toString: 0 },
      {
        toString: () => {
          throw new Error('no');
        },
      },
      42,
      null,
    ]);
    expect(stats.invalid.map((i) => [i.value, i.reason])).toEqual([
      ['[object Object]', 'not a string'],
      ['[object Object]', 'not a string'],
      ['42', 'not a string'],
      ['null', 'missing'],
    ]);
  });

  it('takes chunks (arrays) and single ids alike, and counts positions across them', async () => {
    const { out, stats } = await collect([['a', 'b'], 'c', ['b', '', '\u0001']]);
    expect(out).toEqual(['a', 'b', 'c']);
    expect(stats.invalid).toEqual([{ position: 6, value: '\\u0001', reason: 'contains control characters' }]);
  });

  it('reports what a reader marked invalid at its position, with its reason and display as given', async () => {
    const { out, stats } = await collect([
      ['a', new InvalidInput('not valid UTF-8', 'jos\\xE9')],
      '',
      new InvalidInput('line longer than 65536 characters', 'xx… (70000 characters)'),
      'b',
    ]);
    expect(out).toEqual(['a', 'b']);
    expect(stats).toMatchObject({ read: 4, valid: 2 });
    expect(stats.invalid).toEqual([
      { position: 2, value: 'jos\\xE9', reason: 'not valid UTF-8' },
      { position: 4, value: 'xx… (70000 characters)', reason: 'line longer than 65536 characters' },
    ]);
  });

  it('reports an id holding a lone surrogate, which UTF-8 cannot carry', async () => {
    const { out, stats } = await collect(['a\ud800', '\udc00b', '😀']);
    expect(out).toEqual(['😀']);
    expect(stats.invalid.map((i) => [i.position, i.value, i.reason])).toEqual([
      [1, 'a\\ud800', 'not valid Unicode (a lone surrogate)'],
      [2, '\\udc00b', 'not valid Unicode (a lone surrogate)'],
    ]);
  });
});

describe('readIdsFromFile', () => {
  it('streams a text file, one id per line, CRLF included', async () => {
    const file = join(dir, 'ids.txt');
    await writeFile(file, 'u1\r\nu2\n\nu3');
    expect((await collect(await readIdsFromFile(file))).out).toEqual(['u1', 'u2', 'u3']);
  });

  it('reads a CSV column by header, quoted fields and BOM included', async () => {
    const file = join(dir, 'ids.csv');
    await writeFile(file, '\uFEFFemail,distinct_id\n"a@x.com","u,1"\nb@x.com,u2\n');
    expect((await collect(await readIdsFromFile(file, { format: 'csv', column: 'distinct_id' }))).out).toEqual([
      'u,1',
      'u2',
    ]);
  });

  it('names the missing column and lists the ones there are', async () => {
    const file = join(dir, 'cols.csv');
    await writeFile(file, 'email,id\na,b\n');
    await expect(collect(await readIdsFromFile(file, { format: 'csv', column: 'distinct_id' }))).rejects.toThrow(
      'column "distinct_id" is not in',
    );
  });

  it('reports malformed CSV with the file name', async () => {
    const file = join(dir, 'bad.csv');
    await writeFile(file, 'id,x\n"u1,2\nu2,3\n');
    await expect(collect(await readIdsFromFile(file, { format: 'csv', column: 'id' }))).rejects.toThrow(
      `${file} is not valid CSV`,
    );
  });

  it('reads an NDJSON field, numbers as strings, a missing field as invalid', async () => {
    const file = join(dir, 'ids.ndjson');
    await writeFile(file, '{"user":"u1"}\n{"user":42}\n{"other":1}\n');
    const { out, stats } = await collect(await readIdsFromFile(file, { format: 'ndjson', field: 'user' }));
    expect(out).toEqual(['u1', '42']);
    expect(stats.invalid).toEqual([{ position: 3, value: '{\\"other\\":1}', reason: 'no field "user"' }]);
  });

  it('names the line of bad NDJSON, and a missing file', async () => {
    const file = join(dir, 'bad.ndjson');
    await writeFile(file, '{"user":"u1"}\n{nope\n');
    await expect(collect(await readIdsFromFile(file, { format: 'ndjson', field: 'user' }))).rejects.toThrow(
      'line 2 is not valid JSON',
    );
    await expect(readIdsFromFile(join(dir, 'missing.txt'))).rejects.toThrow('missing.txt" does not exist');
  });
});

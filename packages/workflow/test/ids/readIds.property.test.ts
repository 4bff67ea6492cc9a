import { distinctIdProblem } from '@mixpanel-gdpr/client';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isIdColumnName } from '../../src/ids/idColumnName.js';
import { idReader, type ReadIdsOptions } from '../../src/ids/idReader.js';
import { emptyIdStats, normalizeIds } from '../../src/ids/normalizeIds.js';

const seed = Number(process.env.FC_SEED) || Date.now() % 2 ** 31;
console.log(`ids property seed: ${seed} (rerun with FC_SEED=${seed})`);

/** Reads cut at every `size` bytes: characters, CRLFs, BOMs and quotes all get cut somewhere. */
async function* chunks(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function readAll(bytes: Buffer, size: number, options: ReadIdsOptions) {
  const stats = emptyIdStats();
  const out: string[] = [];
  for await (const chunk of normalizeIds(idReader(options)(chunks(bytes, size), 'test'), stats)) out.push(...chunk);
  return { out, stats };
}

const tricky = [
  'josé',
  'e\u0301',
  '日本語のユーザー',
  '👩🏽‍💻',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
  'a"b',
  'a,b',
  '"quoted"',
  'a|b',
  'x;y',
  '\uFFFD',
  'ünïcödé',
  '١٢٣',
  '-0',
  '42',
];
/** Ids that are valid and already trimmed, so that each must come out exactly as it went in. */
const id = fc
  .oneof(
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }),
    fc.constantFrom(...tricky),
  )
  .filter(
    (s) => !distinctIdProblem(s) && s === s.trim() && (s as unknown as { isWellFormed(): boolean }).isWellFormed(),
  );

const csvField = (value: string, always: boolean) =>
  always || /[",\r\n]/.test(value) || value !== value.trim() ? `"${value.replaceAll('"', '""')}"` : value;

/**
 * Ids a text file carries as they are: not comment lines, and a first line
 * that is neither a column name (reported as a header) nor holds commas
 * (which could make the file look like CSV). The other readers take all.
 */
function asText(ids: string[]): string[] {
  const kept = ids.filter((id) => !/^#(\s|$)/.test(id));
  while (kept.length && (kept[0]!.includes(',') || isIdColumnName(kept[0]!))) kept.shift();
  return kept;
}

function render(
  format: 'text' | 'csv' | 'ndjson',
  ids: string[],
  o: { bom: boolean; crlf: boolean; finalNewline: boolean; quoteAll: boolean },
): Buffer {
  const lines =
    format === 'text'
      ? ids
      : format === 'csv'
        ? ['email,distinct_id', ...ids.map((v, i) => `u${i}@x.com,${csvField(v, o.quoteAll)}`)]
        : ids.map((v) => JSON.stringify({ n: 1, user: v }));
  const eol = o.crlf ? '\r\n' : '\n';
  return Buffer.from(`${o.bom ? '\uFEFF' : ''}${lines.join(eol)}${o.finalNewline ? eol : ''}`, 'utf8');
}

const OPTIONS = {
  text: {},
  csv: { format: 'csv', column: 'distinct_id' },
  ndjson: { format: 'ndjson', field: 'user' },
} as const;
const CHUNK_SIZES = [1, 2, 3, 5, 7, 64, 4096];

describe('property: reading never changes an id, wherever reads cut the bytes', () => {
  it('text, CSV and NDJSON give every id byte for byte, at read sizes from 1 byte up', async () => {
    const layout = fc.record({
      bom: fc.boolean(),
      crlf: fc.boolean(),
      finalNewline: fc.boolean(),
      quoteAll: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(id, { minLength: 1, maxLength: 30 }), layout, async (all, o) => {
        for (const format of ['text', 'csv', 'ndjson'] as const) {
          const ids = format === 'text' ? asText(all) : all;
          const expected = [...new Set(ids)];
          const bytes = render(format, ids, o);
          for (const size of CHUNK_SIZES) {
            const { out, stats } = await readAll(bytes, size, OPTIONS[format]);
            expect({
              format,
              size,
              out: out.map((s) => Buffer.from(s).toString('hex')),
              invalid: stats.invalid,
            }).toEqual({ format, size, out: expected.map((s) => Buffer.from(s).toString('hex')), invalid: [] });
          }
        }
      }),
      { seed, numRuns: 150 },
    );
  });
});

describe('property: what a text file is taken for does not depend on where reads cut it', () => {
  it('comments, header lines and CSV-looking files give the same ids, reports or error at every read size', async () => {
    const line = fc.oneof(
      id,
      fc.constantFrom(
        '# note',
        '#',
        '  # indented',
        '#42',
        'distinct_id',
        '$user_id',
        'email,distinct_id',
        'a,b',
        'c,d',
        'x,y,z',
        '',
        '   ',
      ),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 14 }), fc.boolean(), async (lines, crlf) => {
        const bytes = Buffer.from(lines.join(crlf ? '\r\n' : '\n'));
        const outcome = (size: number) =>
          readAll(bytes, size, {}).then(
            ({ out, stats }) => ({ out, invalid: stats.invalid }),
            (e: Error) => e.message,
          );
        const reference = await outcome(1 << 20);
        for (const size of CHUNK_SIZES)
          expect({ size, outcome: await outcome(size) }).toEqual({ size, outcome: reference });
      }),
      { seed, numRuns: 150 },
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CompactIdSet } from '../../src/ids/CompactIdSet.js';
import { InvalidInput } from '../../src/ids/InvalidInput.js';
import { emptyIdStats, normalizeIds } from '../../src/ids/normalizeIds.js';

const seed = Number(process.env.FC_SEED) || Date.now() % 2 ** 31;
console.log(`CompactIdSet property seed: ${seed} (rerun with FC_SEED=${seed})`);

/** Hashes narrowed so that different ids meet: ids of equal hash must be told apart by the ids themselves. */
const narrowings: Record<string, (hash: number) => number> = {
  constant: () => 0,
  fourBits: (hash) => hash & 0xf,
  // One home slot in each of a few tables, tags that differ: probes run through tags first.
  topBitsOnly: (hash) => hash & 0xff000000,
  // All in one table, which grows (from 64 slots) with ids placed as they would be.
  oneTable: (hash) => hash & 0x3ffffff,
  whole: (hash) => hash,
};

/** The oracle: a plain Set behind the same `add`. */
function setOracle() {
  const set = new Set<string>();
  return { add: (id: string) => set.size !== set.add(id).size, set };
}

/** Short ids from a few characters (many duplicates), with Latin-1, wide and astral ones among them. */
const id = fc.oneof(
  fc.string({ unit: fc.constantFrom('a', 'b', '\u0000', '\u0001', 'é', '\u00ff', '\u0100', 'Ā', '日'), maxLength: 5 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
  // Pairs that one byte per code unit would confuse: U+0100 and U+0000, 日 (U+65E5) and å (U+00E5).
  fc.constantFrom(
    '\u0100',
    '\u0000',
    'a\u0100',
    'a\u0000',
    '日',
    'å',
    '\u0000\u0001',
    'ĀA',
    '\u0000\u0001A\u0000',
    'é',
    '😀',
  ),
);

describe('CompactIdSet', () => {
  it('adds each id once and answers has() as a Set does', () => {
    const set = new CompactIdSet();
    expect(set.add('a')).toBe(true);
    expect(set.add('a')).toBe(false);
    expect(set.add('é')).toBe(true);
    expect(set.add('e\u0301')).toBe(true);
    expect(set.has('a')).toBe(true);
    expect(set.has('b')).toBe(false);
    expect(set.size).toBe(3);
  });

  it('tells apart ids whose stored bytes look alike, when every hash is equal', () => {
    const set = new CompactIdSet({ narrowHash: () => 0 });
    // U+0100 is stored as the bytes 00 01 (UTF-16LE): the length and width in the header keep it apart.
    for (const s of [
      '\u0100',
      '\u0000',
      '\u0000\u0001',
      '\u0001',
      'ĀA',
      '\u0000\u0001A\u0000',
      '日',
      'å',
      '',
      'a'.repeat(200),
    ])
      expect(set.add(s), JSON.stringify(s)).toBe(true);
    expect(set.has('\u0001\u0000')).toBe(false);
    expect(set.has('a'.repeat(199))).toBe(false);
    for (const s of ['\u0100', '\u0000\u0001', 'ĀA', '', 'a'.repeat(200)]) expect(set.add(s)).toBe(false);
  });

  // Narrowed: one table of 300,000 ids (2^20 hashes: some 40,000 pairs of ids share one). Whole: 64 tables.
  it.each([
    ['narrowed', (hash: number) => hash & 0xfffff],
    ['whole', undefined],
  ])('keeps every id across table growth, arena blocks and narrower tags (300,000 ids, %s hash)', (_, narrowHash) => {
    const set = new CompactIdSet({ seed, narrowHash });
    // Long and wide ids first and all along, so that every growth reads them back from the arena.
    const ids = ['ü'.repeat(255), '日'.repeat(255), 'x'.repeat(16_384), '日'.repeat(16_384), 'a'.repeat(100)];
    for (let i = 0; i < 300_000; i++) ids.push(`${i % 1000 ? 'user' : 'ユーザー'}-${i.toString(36).padStart(8, '0')}`);
    // Plain checks: 300,000 expect() calls would take seconds.
    for (const [i, s] of ids.entries()) if (!set.add(s)) throw new Error(`id ${i} taken for a duplicate`);
    expect(set.size).toBe(ids.length);
    for (const [i, s] of ids.entries()) if (!set.has(s)) throw new Error(`id ${i} lost`);
    expect(set.has('user-0000000')).toBe(false);
    expect(set.add(ids[123_456] as string)).toBe(false);
  });

  it('keeps an id too long for the small first block of a table', () => {
    const set = new CompactIdSet();
    for (const s of ['x'.repeat(1023), '日'.repeat(600), 'y'.repeat(16_384)]) {
      set.add(s);
      expect(set.has(s)).toBe(true);
    }
  });

  it('refuses an id too long for one arena block, naming its length', () => {
    expect(() => new CompactIdSet().add('x'.repeat(20_000))).toThrow(/at most 16384 characters \(got 20000\)/);
  });

  it('property: agrees with a Set on every add, under hashes that collide', () => {
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(narrowings)), fc.array(id, { maxLength: 300 }), (name, ids) => {
        const compact = new CompactIdSet({ seed, narrowHash: narrowings[name] });
        const oracle = setOracle();
        for (const s of ids) expect(compact.add(s)).toBe(oracle.add(s));
        expect(compact.size).toBe(oracle.set.size);
        for (const s of oracle.set) expect(compact.has(s)).toBe(true);
      }),
      { seed, numRuns: 500 },
    );
  });
});

describe('normalizeIds with a CompactIdSet', () => {
  /** Chunks and single values: ids padded with blanks, blanks, invalid ids and values of other types. */
  const item = fc.oneof(
    { weight: 6, arbitrary: id.map((s) => ` ${s}\t`) },
    { weight: 6, arbitrary: id },
    fc.constantFrom('', '  ', 'x'.repeat(256), 'a\ud800', null, 42, new InvalidInput('not valid UTF-8', 'x\\xE9')),
  );
  const source = fc.array(fc.oneof(item, fc.array(item, { maxLength: 20 })), { maxLength: 60 });

  async function run(input: unknown[], seen: { add(id: string): boolean }) {
    const stats = emptyIdStats();
    const chunks: string[][] = [];
    for await (const chunk of normalizeIds(input, stats, seen)) chunks.push(chunk);
    return { chunks, stats };
  }

  it('property: yields the same chunks and stats as with a Set, under hashes that collide', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(narrowings)), source, async (name, input) => {
        const ours = await run(input, new CompactIdSet({ seed, narrowHash: narrowings[name] }));
        expect(ours).toEqual(await run(input, setOracle()));
      }),
      { seed, numRuns: 300 },
    );
  });

  it('deduplicates with a CompactIdSet of its own by default, one per call', async () => {
    const input = [['b', 'a', ' b'], 'a', 'c'];
    const first = await run(input, new CompactIdSet());
    const stats = emptyIdStats();
    const out: string[] = [];
    for await (const chunk of normalizeIds(input, stats)) out.push(...chunk);
    for await (const chunk of normalizeIds(input, stats)) out.push(...chunk);
    expect(out).toEqual([...first.chunks.flat(), ...first.chunks.flat()]);
    expect(stats).toMatchObject({ valid: 6, duplicates: 4 });
  });
});

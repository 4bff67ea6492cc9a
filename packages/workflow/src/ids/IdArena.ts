import { FNV_PRIME, mixHash } from './idHash.js';

/** Entries start on even bytes, so a 32-bit reference counts 2-byte units: up to 8 GiB of ids. */
const UNIT_SHIFT = 19;
const UNITS_PER_BLOCK = 1 << UNIT_SHIFT;
/** Entries never straddle blocks, so the arena grows by a block (1 MiB) at a time and nothing is ever copied. */
const BLOCK_BYTES = 2 * UNITS_PER_BLOCK;
/** References are `unit + 1` (0 stays free for "none") in 32 bits, so the last unit of 8192 blocks is out. */
const MAX_BLOCKS = 8191;
/** An entry (3 header bytes, 2 bytes per code unit at most) always fits in one block. */
const MAX_ID_LENGTH = 1 << 16;
/** Entries hashed per batch by `scan`. */
const SCAN_BATCH = 4096;

/**
 * Strings stored as bytes, one after another, in blocks of 1 MiB: per
 * entry a header (the length times two, plus one when any code unit is past
 * 0xFF; a varint of 1 to 3 bytes), then one byte per code unit, or two
 * (UTF-16LE) in the wide case. 13 ASCII characters take 14 bytes, where a
 * V8 string takes 32 and a `Set` entry more. An entry is known by its
 * reference, a number from 1 to 2^32 - 1.
 *
 * A string is first staged: written after the last entry and hashed in the
 * same pass, then compared, as bytes, with entries of equal hash, and
 * committed only if it is new. Its encoding is a function of the string
 * (wide exactly when some code unit is past 0xFF), so equal bytes are
 * equal strings.
 */
export class IdArena {
  readonly #blocks: Uint8Array[] = [];
  /** Where each block's entries end. */
  readonly #ends: number[] = [];
  #block = new Uint8Array(0);
  /** Where the next entry goes. Full, so that the first entry takes a block. */
  #pos = BLOCK_BYTES;
  /** Where the staged entry ends. */
  #staged = BLOCK_BYTES;

  /**
   * Writes `id` where the next entry goes and returns its hash: FNV-1a of
   * its UTF-16 code units from `basis`, then `mixHash` (what `scan` gives
   * for it once committed).
   */
  stage(id: string, basis: number): number {
    const length = id.length;
    if (length > MAX_ID_LENGTH)
      throw new RangeError(`CompactIdSet holds ids of at most ${MAX_ID_LENGTH} characters (got ${length})`);
    if (this.#pos + 3 + 2 * length > BLOCK_BYTES) this.#newBlock();
    const block = this.#block;
    // The header takes as many bytes wide or not: 2 * length is even, the varint's bounds (2^7, 2^14) too.
    let header = 2 * length;
    const payload = this.#pos + (header < 0x80 ? 1 : header < 0x4000 ? 2 : 3);
    let p = payload;
    let h = basis;
    let i = 0;
    for (; i < length; i++) {
      const unit = id.charCodeAt(i);
      if (unit > 0xff) break;
      h = Math.imul(h ^ unit, FNV_PRIME);
      block[p++] = unit;
    }
    if (i < length) {
      // Wide after all: widen the bytes written so far, last first, then go on two bytes a unit.
      header++;
      for (let j = i - 1; j >= 0; j--) {
        block[payload + 2 * j] = block[payload + j] as number;
        block[payload + 2 * j + 1] = 0;
      }
      for (p = payload + 2 * i; i < length; i++, p += 2) {
        const unit = id.charCodeAt(i);
        h = Math.imul(h ^ unit, FNV_PRIME);
        block[p] = unit;
        block[p + 1] = unit >>> 8;
      }
    }
    let q = this.#pos;
    while (header > 0x7f) {
      block[q++] = (header & 0x7f) | 0x80;
      header >>>= 7;
    }
    block[q] = header;
    this.#staged = p;
    return mixHash(h);
  }

  /** Whether the entry `ref` is the staged string: their bytes are equal. */
  holdsStaged(ref: number): boolean {
    const stored = this.#blocks[(ref - 1) >>> UNIT_SHIFT] as Uint8Array;
    const block = this.#block;
    // Headers are prefix-free: entries that differ differ before either ends.
    for (let q = this.#pos, p = ((ref - 1) % UNITS_PER_BLOCK) * 2; q < this.#staged; q++, p++)
      if (stored[p] !== block[q]) return false;
    return true;
  }

  /** Makes the staged string an entry, and returns its reference. */
  commit(): number {
    const start = this.#pos;
    this.#pos = this.#staged + (this.#staged & 1);
    this.#ends[this.#ends.length - 1] = this.#pos;
    return (this.#blocks.length - 1) * UNITS_PER_BLOCK + start / 2 + 1;
  }

  /**
   * Every entry's reference and hash (`hashId` of the string, from
   * `basis`), in the order stored, `SCAN_BATCH` at a time: reading the
   * blocks in order, and placing a batch in a table in a loop of its own
   * (whose cache misses then overlap), is what makes rehashing millions of
   * ids cheap.
   */
  scan(basis: number, each: (refs: Uint32Array, hashes: Uint32Array, count: number) => void): void {
    const refs = new Uint32Array(SCAN_BATCH);
    const hashes = new Uint32Array(SCAN_BATCH);
    let count = 0;
    for (let b = 0; b < this.#blocks.length; b++) {
      const block = this.#blocks[b] as Uint8Array;
      const end = this.#ends[b] as number;
      let p = 0;
      while (p < end) {
        refs[count] = b * UNITS_PER_BLOCK + p / 2 + 1;
        let header = block[p++] as number;
        if (header & 0x80) {
          header = (header & 0x7f) | (((block[p] as number) & 0x7f) << 7);
          if ((block[p++] as number) & 0x80) header |= (block[p++] as number) << 14;
        }
        const length = header >>> 1;
        let h = basis;
        if (header & 1) {
          for (let i = 0; i < length; i++, p += 2)
            h = Math.imul(h ^ ((block[p] as number) | ((block[p + 1] as number) << 8)), FNV_PRIME);
        } else {
          for (let i = 0; i < length; i++) h = Math.imul(h ^ (block[p++] as number), FNV_PRIME);
        }
        p += p & 1;
        hashes[count] = mixHash(h);
        if (++count === SCAN_BATCH) {
          each(refs, hashes, count);
          count = 0;
        }
      }
    }
    if (count) each(refs, hashes, count);
  }

  #newBlock(): void {
    if (this.#blocks.length === MAX_BLOCKS)
      throw new RangeError(`CompactIdSet is full: its ids take more than ${MAX_BLOCKS} MiB; split the input`);
    this.#block = new Uint8Array(BLOCK_BYTES);
    this.#blocks.push(this.#block);
    this.#ends.push(0);
    this.#pos = 0;
  }
}

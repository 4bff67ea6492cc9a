import type { IdStage } from './IdStage.js';
import { FNV_PRIME, mixHash } from './idHash.js';

/** Entries start on even bytes, so a 32-bit reference counts 2-byte units. */
const UNIT_SHIFT = 15;
const UNITS_PER_BLOCK = 1 << UNIT_SHIFT;
/** Entries never straddle blocks, so the arena grows by a block (64 KiB) at a time and nothing is ever copied. */
const BLOCK_BYTES = 2 * UNITS_PER_BLOCK;
/** A set of a few ids (one per request, say) should not cost 64 KiB in each of its tables. */
const FIRST_BLOCK_BYTES = 1 << 10;
/** References are `unit + 1` (0 stays free for "none") below 2^32: 8 GiB, less one unit. */
const MAX_BLOCKS = 2 ** (32 - UNIT_SHIFT) - 1;
/** Entries hashed per batch by `scan`. */
const SCAN_BATCH = 1024;

/**
 * `IdStage` entries, one after another, in blocks. An entry is known by
 * its reference, a number from 1 to 2^32 - 1, which never changes.
 */
export class IdArena {
  readonly #blocks: Uint8Array[] = [];
  /** Where each block's entries end. */
  readonly #ends: number[] = [];
  #block = new Uint8Array(0);
  #pos = 0;

  /** Whether the entry `ref` is the staged one: their bytes are equal. */
  holds(ref: number, stage: IdStage): boolean {
    const block = this.#blocks[(ref - 1) >>> UNIT_SHIFT] as Uint8Array;
    const bytes = stage.bytes;
    // Headers are prefix-free: entries that differ differ before either ends.
    for (let i = 0, p = ((ref - 1) % UNITS_PER_BLOCK) * 2; i < stage.length; i++, p++)
      if (block[p] !== bytes[i]) return false;
    return true;
  }

  /** Appends the staged entry and returns its reference. */
  append(stage: IdStage): number {
    const length = stage.length;
    // Twice when the first block is too small for it.
    while (this.#pos + length > this.#block.length) this.#newBlock();
    const block = this.#block;
    const bytes = stage.bytes;
    const start = this.#pos;
    for (let i = 0; i < length; i++) block[start + i] = bytes[i] as number;
    this.#pos = start + length + (length & 1);
    this.#ends[this.#ends.length - 1] = this.#pos;
    return (this.#blocks.length - 1) * UNITS_PER_BLOCK + start / 2 + 1;
  }

  /**
   * Every entry's reference and hash (as `IdStage.stage` gave it), in the
   * order stored, `SCAN_BATCH` at a time: a table is rebuilt from these,
   * without keeping a hash per id.
   */
  scan(basis: number, each: (refs: Uint32Array, hashes: Uint32Array, count: number) => void): void {
    const refs = new Uint32Array(SCAN_BATCH);
    const hashes = new Uint32Array(SCAN_BATCH);
    let count = 0;
    for (let b = 0; b < this.#blocks.length; b++) {
      const block = this.#blocks[b] as Uint8Array;
      const end = this.#ends[b] as number;
      for (let p = 0; p < end; p += p & 1) {
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
      throw new RangeError('CompactIdSet is full: its ids take 8 GiB in one of its tables; split the input');
    this.#block = new Uint8Array(this.#blocks.length === 0 ? FIRST_BLOCK_BYTES : BLOCK_BYTES);
    this.#blocks.push(this.#block);
    this.#ends.push(0);
    this.#pos = 0;
  }
}

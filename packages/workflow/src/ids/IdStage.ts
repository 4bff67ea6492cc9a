import { FNV_PRIME, mixHash } from './idHash.js';

/** Longest id a `CompactIdSet` takes, in UTF-16 code units: its entry (at most 3 + 2 * 16384 bytes) fits a block. */
export const MAX_ID_LENGTH = 1 << 14;

/**
 * One id encoded as an `IdArena` entry, and its hash, both from one pass
 * over the string. The entry is a header (the length times two, plus one
 * when any code unit is past 0xFF; a varint of 1 to 3 bytes), then one byte
 * per code unit, or two (UTF-16LE) in the wide case: 13 ASCII characters
 * take 14 bytes, where a V8 string takes 32 and a `Set` entry more. The
 * encoding is a function of the string (wide exactly when some code unit
 * is past 0xFF), so equal entries are equal strings.
 */
export class IdStage {
  /** Room for ids of up to 255 characters (all `normalizeIds` passes on), more when a longer one comes. */
  bytes = new Uint8Array(3 + 2 * 255);
  /** Bytes of the staged entry. */
  length = 0;

  /** Stages `id` and returns its hash: FNV-1a of its UTF-16 code units from `basis`, then `mixHash`. */
  stage(id: string, basis: number): number {
    const length = id.length;
    if (length > MAX_ID_LENGTH)
      throw new RangeError(`CompactIdSet holds ids of at most ${MAX_ID_LENGTH} characters (got ${length})`);
    if (this.bytes.length < 3 + 2 * length) this.bytes = new Uint8Array(3 + 2 * MAX_ID_LENGTH);
    const bytes = this.bytes;
    // The header takes as many bytes wide or not: 2 * length is even, the varint's bounds (2^7, 2^14) too.
    let header = 2 * length;
    const payload = header < 0x80 ? 1 : header < 0x4000 ? 2 : 3;
    let p = payload;
    let h = basis;
    let i = 0;
    for (; i < length; i++) {
      const unit = id.charCodeAt(i);
      if (unit > 0xff) break;
      h = Math.imul(h ^ unit, FNV_PRIME);
      bytes[p++] = unit;
    }
    if (i < length) {
      // Wide after all: widen the bytes written so far, last first, then go on two bytes a unit.
      header++;
      for (let j = i - 1; j >= 0; j--) {
        bytes[payload + 2 * j] = bytes[payload + j] as number;
        bytes[payload + 2 * j + 1] = 0;
      }
      for (p = payload + 2 * i; i < length; i++, p += 2) {
        const unit = id.charCodeAt(i);
        h = Math.imul(h ^ unit, FNV_PRIME);
        bytes[p] = unit;
        bytes[p + 1] = unit >>> 8;
      }
    }
    let q = 0;
    for (; header > 0x7f; header >>>= 7) bytes[q++] = (header & 0x7f) | 0x80;
    bytes[q] = header;
    this.length = p;
    return mixHash(h);
  }
}

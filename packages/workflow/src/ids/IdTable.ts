import { IdArena } from './IdArena.js';
import type { IdStage } from './IdStage.js';

const MIN_SLOTS = 1 << 6;
/** Linear probing stays short below this; above it the table doubles. */
const MAX_LOAD = 0.75;
/** Tag bits while references fit in 16 bits (the arena's first block); one fewer each time they need one more. */
const FIRST_TAG_BITS = 16;

/**
 * One share of a `CompactIdSet`: an open-addressing table (linear probing)
 * of 32-bit slots over an `IdArena`. A slot holds an entry's reference
 * and, in the bits the references leave free, a tag from its hash, so that
 * most probes are settled without reading the arena; a candidate is then
 * compared, byte for byte, with the staged id.
 */
export class IdTable {
  readonly #arena = new IdArena();
  readonly #basis: number;
  readonly #narrow: (hash: number) => number;
  #slots = new Uint32Array(MIN_SLOTS);
  #limit = MAX_LOAD * MIN_SLOTS;
  #size = 0;
  /** Each slot is `ref << tagBits | tag`, 0 when empty. */
  #tagBits = FIRST_TAG_BITS;

  /** The arena recomputes hashes from `basis`, then applies `narrow`, as `CompactIdSet` does. */
  constructor(basis: number, narrow: (hash: number) => number) {
    this.#basis = basis;
    this.#narrow = narrow;
  }

  has(hash: number, stage: IdStage): boolean {
    return this.#slots[this.#slotOf(hash, stage)] !== 0;
  }

  /** Adds the staged id, of hash `hash`; false when it was already there. */
  add(hash: number, stage: IdStage): boolean {
    const slot = this.#slotOf(hash, stage);
    if (this.#slots[slot] !== 0) return false;
    const ref = this.#arena.append(stage);
    // References that need one more bit take it from the tags: narrowing every tag in place moves no slot.
    while (ref >= 2 ** (32 - this.#tagBits)) this.#dropTagBit();
    this.#slots[slot] = (ref << this.#tagBits) | this.#tagOf(hash);
    if (++this.#size > this.#limit) this.#grow();
    return true;
  }

  /**
   * The top bits of a second mix of the hash, which draws on all its bits,
   * not only the low ones that pick the slot (ids of one slot run share
   * those); one bit fewer is the same tag shifted right by one.
   * (Shifted by 1, then by 31 - tagBits: a JavaScript shift by 32 is none.)
   */
  #tagOf(hash: number): number {
    return (Math.imul(hash, 0x9e3779b1) >>> 1) >>> (31 - this.#tagBits);
  }

  /** The slot holding the staged id, or the empty slot where it would go. */
  #slotOf(hash: number, stage: IdStage): number {
    const slots = this.#slots;
    const mask = slots.length - 1;
    const tagBits = this.#tagBits;
    const tagMask = (1 << tagBits) - 1;
    const tag = this.#tagOf(hash);
    let slot = hash & mask;
    for (;;) {
      const value = slots[slot] as number;
      if (value === 0 || ((value & tagMask) === tag && this.#arena.holds(value >>> tagBits, stage))) return slot;
      slot = (slot + 1) & mask;
    }
  }

  /** Never past 0: references stay below 2^32. */
  #dropTagBit(): void {
    const slots = this.#slots;
    for (let i = 0; i < slots.length; i++) slots[i] = (slots[i] as number) >>> 1;
    this.#tagBits--;
  }

  /** Doubles the table, placing each id by its hash, recomputed from the arena read in order. */
  #grow(): void {
    const slots = new Uint32Array(2 * this.#slots.length);
    const mask = slots.length - 1;
    const tagBits = this.#tagBits;
    const narrow = this.#narrow;
    this.#slots = slots;
    this.#limit = MAX_LOAD * slots.length;
    this.#arena.scan(this.#basis, (refs, hashes, count) => {
      for (let i = 0; i < count; i++) {
        const hash = narrow(hashes[i] as number) >>> 0;
        let slot = hash & mask;
        while (slots[slot] !== 0) slot = (slot + 1) & mask;
        slots[slot] = ((refs[i] as number) << tagBits) | this.#tagOf(hash);
      }
    });
  }
}

/** FNV-1a's 32-bit multiplier, one step per UTF-16 code unit. */
export const FNV_PRIME = 0x01000193;

/**
 * Where an id's hash starts: FNV-1a's offset basis, moved by a seed. The
 * hash (FNV-1a of the UTF-16 code units, then `mixHash`; see `IdArena`) is
 * not cryptographic, and need not be: `CompactIdSet` only uses it to find
 * where to look, and compares every candidate with the id itself. A random
 * seed keeps an input crafted to pile onto one run of slots from doing so
 * in every process: that would cost time, never give a wrong answer.
 */
export const hashBasis = (seed: number): number => (0x811c9dc5 ^ seed) >>> 0;

/** murmur3's finaliser: FNV's low bits, which pick a slot, are poorly mixed on their own. */
export function mixHash(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

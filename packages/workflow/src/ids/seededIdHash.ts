/**
 * A 32-bit hash of a string's UTF-16 code units: FNV-1a from a seeded
 * basis, then murmur3's finaliser (FNV's low bits, which pick a slot, are
 * poorly mixed on their own). Not cryptographic, and it need not be:
 * `CompactIdSet` only uses it to find where to look, and checks every equal
 * hash against the id itself. The seed (random per set by default) keeps
 * an input crafted to pile onto one run of slots from doing so in every
 * process: that would cost time, never a wrong answer.
 */
export function seededIdHash(seed: number): (id: string) => number {
  const basis = (0x811c9dc5 ^ seed) >>> 0;
  return (id) => {
    let h = basis;
    for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return (h ^ (h >>> 16)) >>> 0;
  };
}

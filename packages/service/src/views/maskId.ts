/**
 * An id with all but its first two and last two characters hidden behind
 * four dots (so the mask does not tell its length either): enough to tell
 * ids apart on a screen, too little to use one. An id shorter than 12
 * characters is hidden whole: four of seven characters would give most of
 * it away. Characters, not UTF-16 units: an emoji is never cut in half.
 */
export function maskId(id: string): string {
  const chars = Array.from(id);
  if (chars.length < 12) return '••••••';
  return `${chars.slice(0, 2).join('')}••••${chars.slice(-2).join('')}`;
}

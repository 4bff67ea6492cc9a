/**
 * An id with all but its first two and last two characters hidden behind
 * four dots (so the mask does not tell its length either); an id shorter
 * than 7 characters is hidden whole. Characters, not UTF-16 units: an emoji
 * is never cut in half.
 */
export function maskId(id: string): string {
  const chars = Array.from(id);
  if (chars.length < 7) return '••••••';
  return `${chars.slice(0, 2).join('')}••••${chars.slice(-2).join('')}`;
}

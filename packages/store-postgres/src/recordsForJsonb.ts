import type { LedgerRecord } from '@mixpanel-gdpr/workflow';

/** What `jsonb` cannot hold stands in for it: U+FFFD, the replacement character. */
export const NUL_REPLACEMENT = '\uFFFD';

export interface JsonbRecords {
  /** The records as one JSON array, ready for `jsonb`. */
  json: string;
  /** The records as stored: the same objects, except those that held a NUL (copies, NUL replaced). */
  records: LedgerRecord[];
  /** How many records held a NUL. */
  nulReplaced: number;
}

/**
 * `jsonb` refuses U+0000 in a string (or a key): "unsupported Unicode escape
 * sequence", and the whole append would fail. Ids never hold one (the
 * workflow refuses control characters in ids), but free text can: an error
 * message or a status quoted from a server. Refusing such a record would
 * leave an outcome unrecorded, so each NUL becomes U+FFFD, the character
 * that says "something unrepresentable was here", and the record is stored
 * otherwise exactly.
 */
export function recordsForJsonb(records: readonly LedgerRecord[]): JsonbRecords {
  const json = JSON.stringify(records);
  // JSON.stringify writes U+0000 as \u0000; the text may also hold a literal
  // backslash-u0000 (written \\u0000), so a hit here is only a hint.
  if (!json.includes('\\u0000')) return { json, records: [...records], nulReplaced: 0 };
  let nulReplaced = 0;
  const stored = records.map((record) => {
    const replaced = replaceNul(record);
    if (replaced !== record) nulReplaced++;
    return replaced as LedgerRecord;
  });
  return { json: nulReplaced === 0 ? json : JSON.stringify(stored), records: stored, nulReplaced };
}

/** `value` itself when it holds no NUL, else a copy with each replaced. */
function replaceNul(value: unknown): unknown {
  if (typeof value === 'string') return value.includes('\0') ? value.replaceAll('\0', NUL_REPLACEMENT) : value;
  if (Array.isArray(value)) {
    const items = value.map(replaceNul);
    return items.some((item, i) => item !== value[i]) ? items : value;
  }
  if (value !== null && typeof value === 'object') {
    let changed = false;
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const newKey = replaceNul(key) as string;
      const newItem = replaceNul(item);
      if (newKey !== key || newItem !== item) changed = true;
      copy[newKey] = newItem;
    }
    return changed ? copy : value;
  }
  return value;
}

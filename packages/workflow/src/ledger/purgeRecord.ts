import type { InvalidId } from '../ids/normalizeIds.js';
import { isKeyedId } from './keyedId.js';
import type { LedgerRecord } from './records.js';

/**
 * `record` with every distinct id it stores replaced by `hash(id)` (a copy;
 * keys keep their order), and how many were replaced. Ids already keyed are
 * left as they are. Invalid ids are hashed as recorded (shortened and
 * escaped for reports), so only such a value finds them again.
 */
export function purgeRecord(
  record: LedgerRecord,
  hash: (id: string) => string,
): { record: LedgerRecord; replaced: number } {
  let replaced = 0;
  const ids = (list: string[]) =>
    list.map((id) => {
      if (isKeyedId(id)) return id;
      replaced++;
      return hash(id);
    });
  const invalid = (list: InvalidId[]) =>
    list.map((entry) => {
      if (isKeyedId(entry.value)) return entry;
      replaced++;
      return { ...entry, value: hash(entry.value) };
    });
  const purged = ((): LedgerRecord => {
    switch (record.type) {
      case 'request.received':
        return {
          ...record,
          ...(record.ids && { ids: ids(record.ids) }),
          ...(record.invalid && { invalid: invalid(record.invalid) }),
        };
      case 'batch.planned':
        return { ...record, ids: ids(record.ids) };
      case 'batch.conflict':
        return { ...record, coveredIds: ids(record.coveredIds) };
      case 'job.ingested':
        return { ...record, invalid: invalid(record.invalid) };
      default:
        return record;
    }
  })();
  return { record: purged, replaced };
}

/**
 * Column names that hold user ids in exports and spreadsheets, the likeliest
 * id first, compared without case, a leading `$`, quotes, spaces, `_`, `-`
 * or `.`: `distinct_id`, `$distinct_id`, `Distinct ID` and `user-id` are all
 * found. A line that is one of these is a header, not a user: Mixpanel ids
 * are not spelled so.
 */
const ID_COLUMN_NAMES = [
  'distinctid',
  'mpdistinctid',
  'distinctids',
  'userid',
  'userids',
  'uid',
  'id',
  'ids',
  'user',
  'users',
  'deviceid',
  'anonid',
  'anonymousid',
  'uuid',
  'identity',
  'identifier',
  'email',
  'emails',
  'emailaddress',
];

/** How likely `text` (a line, or a cell of one) names the id column: 0 is likeliest, -1 is not an id column name. */
export function idColumnRank(text: string): number {
  // Longer than any name above with its separators: not compared at all.
  if (text.length > 40) return -1;
  return ID_COLUMN_NAMES.indexOf(
    text
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .toLowerCase()
      .replace(/^\$/, '')
      .replace(/[\s_.-]/g, ''),
  );
}

/** Whether `text` is a usual name of an id column. */
export const isIdColumnName = (text: string): boolean => idColumnRank(text) !== -1;

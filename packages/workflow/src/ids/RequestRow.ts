import type { InvalidInput } from './InvalidInput.js';

/** An id with the request (ticket) it belongs to, as one row of a file carried them. */
export interface RequestRow {
  /** 1-based, as the id readers count: the data row in CSV (header and blank lines not counted), the line in NDJSON. */
  position: number;
  /** The raw id, or an `InvalidInput`, exactly as the id readers yield it: validate it as `normalizeIds` does. */
  id: unknown;
  /** The request cell, trimmed; empty, missing, not valid UTF-8 or holding a control character: an `InvalidInput`. */
  request: string | InvalidInput;
  /** The received cell, trimmed, as written (parsing the date is the caller's); present when its column is named. */
  received?: string | InvalidInput;
  regulation?: string | InvalidInput;
  kind?: string | InvalidInput;
}

export interface ReadRequestRowsOptions {
  /** Request columns need a file with columns: a text file holds only ids. */
  format: 'csv' | 'ndjson';
  /** The column (CSV header) or field (NDJSON key) holding the id. */
  idColumn: string;
  /** The column or field holding the request (ticket) id. */
  requestColumn: string;
  receivedColumn?: string;
  regulationColumn?: string;
  kindColumn?: string;
  /** @internal Bytes per read, for tests that cut characters and rows at every offset. @default 1 MiB */
  chunkBytes?: number;
}

/** The columns (CSV) or fields (NDJSON) to read, by what they hold. */
export interface RequestFields {
  id: string;
  request: string;
  received?: string;
  regulation?: string;
  kind?: string;
}

/** The row fields that are there only when their column is named. */
export const OPTIONAL_REQUEST_FIELDS = ['received', 'regulation', 'kind'] as const;

/** The option that names each column: errors name it. */
export const REQUEST_OPTION_NAMES = {
  id: 'idColumn',
  request: 'requestColumn',
  received: 'receivedColumn',
  regulation: 'regulationColumn',
  kind: 'kindColumn',
} as const satisfies Record<keyof RequestFields, keyof ReadRequestRowsOptions>;

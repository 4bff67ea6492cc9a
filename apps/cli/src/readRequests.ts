import { type ComplianceType, type DisclosureType, parseComplianceType } from '@mixpanel-gdpr/client';
import {
  emptyIdStats,
  type IdFileFormat,
  InvalidInput,
  type NewRequest,
  normalizeIds,
  parseCalendarDate,
  type RequestKind,
  readRequestRows,
  startOfLocalDay,
} from '@mixpanel-gdpr/workflow';
import { CliError } from './CliError.js';

export interface RequestColumns {
  format: IdFileFormat;
  /** The column (CSV) or field (NDJSON) holding the ids. */
  idColumn: string;
  requestColumn: string;
  receivedColumn?: string | undefined;
  regulationColumn?: string | undefined;
}

export interface RequestDefaults {
  kind: RequestKind;
  regulation: ComplianceType;
  disclosureType?: DisclosureType | undefined;
  projects: string[];
  labels?: Record<string, string> | undefined;
  timeZone: string;
  nowMs: number;
}

interface Gathered {
  ticket: string;
  firstRow: number;
  receivedAt: number;
  regulation: ComplianceType;
  raw: unknown[];
}

/**
 * The requests of a file whose rows carry a ticket (and optionally a
 * received date and a regulation) beside each id: rows of one ticket form
 * one request. A row whose ticket, date or regulation cannot be read, or
 * that contradicts an earlier row of its ticket, stops the whole file with
 * an error naming the row, the column and the value: nothing is recorded.
 * Invalid ids are kept with their request (listed in its evidence).
 */
export async function readRequests(
  path: string,
  columns: RequestColumns,
  defaults: RequestDefaults,
): Promise<{ requests: NewRequest[]; sha256: string | undefined }> {
  if (columns.format === 'text')
    throw new CliError(
      '--request-column needs a CSV (--column) or NDJSON (--field) file: a text file has one id per line',
    );
  const source = await readRequestRows(path, {
    format: columns.format,
    idColumn: columns.idColumn,
    requestColumn: columns.requestColumn,
    ...(columns.receivedColumn && { receivedColumn: columns.receivedColumn }),
    ...(columns.regulationColumn && { regulationColumn: columns.regulationColumn }),
  });
  const byTicket = new Map<string, Gathered>();
  const where = (row: number, column: string) => `${path}, row ${row}, ${JSON.stringify(column)}`;
  const text = (value: string | InvalidInput, row: number, column: string) => {
    if (value instanceof InvalidInput) throw new CliError(`${where(row, column)}: ${value.reason} (${value.display})`);
    if (value === '') throw new CliError(`${where(row, column)}: empty`);
    return value;
  };
  for await (const chunk of source.rows) {
    for (const row of chunk) {
      const ticket = text(row.request, row.position, columns.requestColumn);
      const receivedAt =
        row.received === undefined || columns.receivedColumn === undefined
          ? defaults.nowMs
          : parseReceived(
              text(row.received, row.position, columns.receivedColumn),
              defaults.timeZone,
              where(row.position, columns.receivedColumn),
            );
      const regulation =
        row.regulation === undefined || columns.regulationColumn === undefined
          ? defaults.regulation
          : regulationOf(
              text(row.regulation, row.position, columns.regulationColumn),
              where(row.position, columns.regulationColumn),
            );
      const seen = byTicket.get(ticket);
      if (!seen) {
        byTicket.set(ticket, { ticket, firstRow: row.position, receivedAt, regulation, raw: [row.id] });
        continue;
      }
      if (seen.receivedAt !== receivedAt)
        throw new CliError(
          `${where(row.position, columns.receivedColumn!)}: ticket ${JSON.stringify(ticket)} was received ${new Date(seen.receivedAt).toISOString()} in row ${seen.firstRow}, here ${new Date(receivedAt).toISOString()}`,
        );
      if (seen.regulation !== regulation)
        throw new CliError(
          `${where(row.position, columns.regulationColumn!)}: ticket ${JSON.stringify(ticket)} is ${seen.regulation} in row ${seen.firstRow}, here ${regulation}`,
        );
      seen.raw.push(row.id);
    }
  }
  if (byTicket.size === 0) throw new CliError(`no request in ${path}: it has no data row`, 'invalid_input');
  const requests: NewRequest[] = [];
  for (const g of byTicket.values()) {
    const stats = emptyIdStats();
    const ids: string[] = [];
    for await (const chunk of normalizeIds(g.raw, stats)) ids.push(...chunk);
    if (ids.length === 0)
      throw new CliError(
        `ticket ${JSON.stringify(g.ticket)} (first at row ${g.firstRow}) has no valid distinct id${stats.invalid[0] ? `: ${stats.invalid[0].reason} (${stats.invalid[0].value})` : ''}; nothing was recorded`,
        'invalid_input',
      );
    requests.push({
      ticket: g.ticket,
      kind: defaults.kind,
      regulation: g.regulation,
      ...(defaults.disclosureType && g.regulation === 'CCPA' && { disclosureType: defaults.disclosureType }),
      receivedAt: g.receivedAt,
      ids,
      ...(stats.invalid.length && { invalid: stats.invalid }),
      projects: defaults.projects,
      ...(defaults.labels && { labels: defaults.labels }),
      source: { name: path === '-' ? 'stdin' : path, sha256: source.sha256() },
    });
  }
  return { requests, sha256: source.sha256() };
}

/**
 * A received date: a calendar date (YYYY-MM-DD, the start of that day in the
 * configured time zone) or a time with its offset (2026-11-02T09:30:00Z,
 * …+01:00). A time without an offset is refused: which zone it meant is a
 * guess, and a guess moves legal deadlines.
 */
export function parseReceived(value: string, timeZone: string, where: string): number {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    try {
      return startOfLocalDay(value, timeZone);
    } catch (error) {
      throw new CliError(`${where}: ${(error as Error).message}`);
    }
  }
  const withOffset = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(:(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i.exec(value);
  // Date.parse rolls impossible values over (30 February is 2 March, 24:00 the next day): check them first.
  const real =
    withOffset &&
    isCalendarDate(withOffset[1]!) &&
    Number(withOffset[2]) < 24 &&
    Number(withOffset[3]) < 60 &&
    Number(withOffset[5] ?? 0) < 60;
  const ms = real ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms))
    throw new CliError(
      `${where}: ${JSON.stringify(value)} is not a date (YYYY-MM-DD) or a time with its offset (2026-11-02T09:30:00Z)`,
    );
  return ms;
}

function isCalendarDate(text: string): boolean {
  try {
    parseCalendarDate(text, 'received');
    return true;
  } catch {
    return false;
  }
}

function regulationOf(value: string, where: string): ComplianceType {
  try {
    return parseComplianceType(value.toUpperCase(), where);
  } catch {
    throw new CliError(`${where}: must be GDPR or CCPA (got ${JSON.stringify(value)})`);
  }
}

import { createHash } from 'node:crypto';
import { badRequest } from '../ServiceError.js';
import type { OrderPosition as PagePosition } from '../views/RequestOrder.js';

/** An opaque cursor: the values, as base64url JSON. */
export function packCursor(values: readonly unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/** What `packCursor` packed, or undefined when the text is not one (the caller checks the shape). */
export function unpackCursor(cursor: string): unknown {
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

/** A digest of the filters, so a cursor cannot be replayed against other ones (it would skip or repeat requests). */
export function filtersDigest(filters: Record<string, unknown>): string {
  const { cursor: _, limit: __, ...rest } = filters;
  const sorted = Object.keys(rest)
    .sort()
    .map((k) => [k, rest[k]]);
  return createHash('sha256').update(JSON.stringify(sorted)).digest('base64url').slice(0, 12);
}

export function encodeCursor(position: PagePosition, digest: string): string {
  return packCursor([position.dueAt, position.receivedAt, position.requestId, digest]);
}

export function decodeCursor(cursor: string, digest: string): PagePosition {
  const value = unpackCursor(cursor);
  if (
    !Array.isArray(value) ||
    value.length !== 4 ||
    !Number.isFinite(value[0]) ||
    !Number.isFinite(value[1]) ||
    typeof value[2] !== 'string'
  )
    throw badRequest('query.cursor', 'cursor is not one this service made: pass nextCursor back as it was given');
  if (value[3] !== digest)
    throw badRequest('query.cursor', 'cursor was made with other filters: repeat the filters of the first page');
  return { dueAt: value[0], receivedAt: value[1], requestId: value[2] };
}

import type { FieldError } from './ServiceError.js';

/** One of Ajv's errors, as fastify hands them over (`error.validation`). */
export interface SchemaError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** Where a parameter is, as the spec's `FieldError.field` names it: `query.limit`, `path.requestId`, `header.…`. */
const PLACES: Record<string, string> = { querystring: 'query', params: 'path', headers: 'header' };

/**
 * Ajv's errors as the spec's `FieldError`s: a field of the JSON body is a
 * JSON Pointer (`/distinctIds/1`, `/labels/source`), a parameter is named
 * by where it is (`query.limit`), and a missing or unknown property is
 * named too. The message names the field as a person reads it
 * (`distinctIds[1] must match …`).
 */
export function fieldErrorsOf(errors: readonly SchemaError[], context: string | undefined): FieldError[] {
  return errors.slice(0, 100).map((e) => {
    const parts = e.instancePath
      .split('/')
      .slice(1)
      .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    const extra = e.params.missingProperty ?? e.params.additionalProperty;
    if (typeof extra === 'string') parts.push(extra);
    const place = PLACES[context ?? 'body'];
    const field = place ? `${place}.${parts[0] ?? ''}` : parts.length ? pointerOf(parts) : 'body';
    const label = place ? field : parts.length ? readablePath(parts) : 'body';
    const what =
      e.keyword === 'additionalProperties'
        ? 'is not a field of this request'
        : e.keyword === 'required'
          ? 'is required'
          : (e.message ?? 'is not valid');
    return { field, message: `${label} ${what}` };
  });
}

/** `['distinctIds', '1']` → `/distinctIds/1` (RFC 6901, `~` and `/` escaped). */
export function pointerOf(parts: readonly string[]): string {
  return parts.map((p) => `/${p.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/** A field of the body named as the workflow names it (`distinctIds[1]`, `labels.source`), as a JSON Pointer. */
export function bodyPointer(path: string): string {
  return pointerOf(path.split(/\.|\[(\d+)\]/).filter((p) => p !== undefined && p !== ''));
}

function readablePath(parts: readonly string[]): string {
  let path = '';
  for (const part of parts) path += /^\d+$/.test(part) ? `[${part}]` : path ? `.${part}` : part;
  return path;
}

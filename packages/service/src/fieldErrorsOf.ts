import type { FieldError } from './ServiceError.js';

/** One of Ajv's errors, as fastify hands them over (`error.validation`). */
export interface SchemaError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/**
 * Ajv's errors as fields a caller can find in what they sent:
 * `/distinctIds/1` is `distinctIds[1]`, a missing or unknown property is
 * named, and a query or header parameter is named as such.
 */
export function fieldErrorsOf(errors: readonly SchemaError[], context: string | undefined): FieldError[] {
  return errors.slice(0, 100).map((e) => {
    const parts = e.instancePath
      .split('/')
      .slice(1)
      .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    const extra = e.params.missingProperty ?? e.params.additionalProperty;
    if (typeof extra === 'string') parts.push(extra);
    let field = '';
    for (const part of parts) field += /^\d+$/.test(part) ? `[${part}]` : field ? `.${part}` : part;
    if (!field) field = context === 'body' || context === undefined ? 'body' : context;
    const what =
      e.keyword === 'additionalProperties'
        ? 'is not a field of this request'
        : e.keyword === 'required'
          ? 'is required'
          : (e.message ?? 'is not valid');
    return { field, message: `${field} ${what}` };
  });
}

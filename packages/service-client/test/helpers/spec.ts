import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export const SPEC_PATH = new URL('../../../../spec/service.openapi.yml', import.meta.url);

export interface Example {
  operationId: string;
  method: string;
  path: string;
  status: string;
  mediaType: string;
  name: string;
  value: unknown;
}

interface Operation {
  operationId: string;
  responses: Record<string, { $ref?: string; content?: Record<string, { examples?: Record<string, unknown> }> }>;
}

type Spec = {
  paths: Record<string, Record<string, Operation>>;
  components: {
    responses: Record<string, Operation['responses'][string]>;
    examples: Record<string, { value: unknown }>;
  };
};

export function readSpec(): Spec {
  return parse(readFileSync(SPEC_PATH, 'utf8')) as Spec;
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch']);

/** Every operation of `paths` (not webhooks: the service sends those). */
export function specOperations(spec = readSpec()): Array<{ method: string; path: string; op: Operation }> {
  return Object.entries(spec.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.has(method))
      .map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
  );
}

/** Every named example of every 2xx response, with `$ref`s to components resolved. */
export function successExamples(spec = readSpec()): Example[] {
  const deref = <T>(node: T & { $ref?: string }, table: Record<string, T>): T =>
    node.$ref ? table[node.$ref.split('/').pop()!]! : node;
  return specOperations(spec).flatMap(({ method, path, op }) =>
    Object.entries(op.responses)
      .filter(([status]) => /^2\d\d$/.test(status))
      .flatMap(([status, response]) =>
        Object.entries(deref(response, spec.components.responses).content ?? {}).flatMap(([mediaType, media]) =>
          Object.entries(media.examples ?? {}).map(([name, example]) => ({
            operationId: op.operationId,
            method,
            path,
            status,
            mediaType,
            name,
            value: deref(example as { value: unknown; $ref?: string }, spec.components.examples).value,
          })),
        ),
      ),
  );
}

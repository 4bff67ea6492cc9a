/**
 * The top-level field a service field error names, and the index in it:
 * the service writes `distinctIds[1]` (and the spec's JSON Pointer form is
 * `/distinctIds/1`); `query.limit` and `body` name no field of a form.
 */
export function fieldOf(field: string): { name: string; index?: number } {
  const pointer = /^\/([^/]+)(?:\/(\d+))?/.exec(field);
  const path = pointer ?? /^([A-Za-z_$][\w$]*)(?:\[(\d+)\])?/.exec(field);
  if (!path) return { name: field };
  const name = path[1]!.replace(/~1/g, '/').replace(/~0/g, '~');
  return path[2] === undefined ? { name } : { name, index: Number(path[2]) };
}

/**
 * The top-level field a service field error names, and the index in it:
 * the service writes JSON Pointers (`/distinctIds/1`), as the spec says; the
 * dotted form (`distinctIds[1]`) is read too. `query.limit` and `body` name
 * no field of a form.
 */
export function fieldOf(field: string): { name: string; index?: number } {
  const pointer = /^\/([^/]+)(?:\/(\d+))?/.exec(field);
  const path = pointer ?? /^([A-Za-z_$][\w$]*)(?:\[(\d+)\])?/.exec(field);
  if (!path) return { name: field };
  const name = path[1]!.replace(/~1/g, '/').replace(/~0/g, '~');
  return path[2] === undefined ? { name } : { name, index: Number(path[2]) };
}

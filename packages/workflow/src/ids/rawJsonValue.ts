/**
 * The source text of the value of `key` in the text of a JSON object that
 * `JSON.parse` accepted (so checks are light), or undefined. The last one
 * wins, as in `JSON.parse`. One pass, no backtracking.
 *
 * Why: `JSON.parse` turns `12345678901234567891` into 12345678901234567000
 * and `1e3` into 1000, and Node 20 has no reviver `context.source` to see
 * the digits as written.
 */
export function rawJsonValue(json: string, key: string): string | undefined {
  let found: string | undefined;
  let i = skipSpace(json, json.indexOf('{') + 1);
  while (json[i] === '"') {
    const keyEnd = stringEnd(json, i);
    const name = json.slice(i, keyEnd);
    const start = skipSpace(json, skipSpace(json, keyEnd) + 1);
    const end = valueEnd(json, start);
    if ((name.includes('\\') ? (JSON.parse(name) as string) : name.slice(1, -1)) === key)
      found = json.slice(start, end);
    i = skipSpace(json, end);
    if (json[i] === ',') i = skipSpace(json, i + 1);
  }
  return found;
}

function skipSpace(json: string, i: number): number {
  while (json[i] === ' ' || json[i] === '\t' || json[i] === '\r' || json[i] === '\n') i++;
  return i;
}

/** Just past the string that opens at `i`. */
function stringEnd(json: string, i: number): number {
  for (let j = i + 1; j < json.length; j++) {
    if (json[j] === '\\') j++;
    else if (json[j] === '"') return j + 1;
  }
  return json.length;
}

/** Just past the value that starts at `i`: a string, an object or array (nested), or a number or literal. */
function valueEnd(json: string, i: number): number {
  if (json[i] === '"') return stringEnd(json, i);
  if (json[i] !== '{' && json[i] !== '[') {
    let j = i;
    while (j < json.length && !',}] \t\r\n'.includes(json[j]!)) j++;
    return j;
  }
  let depth = 0;
  for (let j = i; j < json.length; j++) {
    const c = json[j];
    if (c === '"') j = stringEnd(json, j) - 1;
    else if (c === '{' || c === '[') depth++;
    else if ((c === '}' || c === ']') && --depth === 0) return j + 1;
  }
  return json.length;
}

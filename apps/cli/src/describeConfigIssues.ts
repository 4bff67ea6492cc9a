import type { Document, LineCounter } from 'yaml';
import type { z } from 'zod';

/** Enough to fix a file in one go, not a screenful. */
const MAX_ISSUES_SHOWN = 10;

type Path = readonly PropertyKey[];

/** `['projects', 1, 'region']` → `projects[1].region`. */
export function keyPath(path: Path): string {
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`)).join('');
}

/**
 * One line for all the problems zod found: `key.path (line N): message`,
 * joined by `; `. Unknown keys list the keys allowed there, to spot a typo.
 */
export function describeConfigIssues(
  issues: readonly z.core.$ZodIssue[],
  schema: z.ZodType,
  doc: Document,
  lines: LineCounter,
): string {
  const described = issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => {
          const known = knownKeys(schema, issue.path);
          return `${where([...issue.path, key], doc, lines)}: unknown key${known ? ` (known here: ${known.join(', ')})` : ''}`;
        })
      : [`${where(issue.path, doc, lines)}: ${issue.message}`],
  );
  const more = described.length - MAX_ISSUES_SHOWN;
  return described.slice(0, MAX_ISSUES_SHOWN).join('; ') + (more > 0 ? `; and ${more} more` : '');
}

function where(path: Path, doc: Document, lines: LineCounter): string {
  const line = lineOf(path, doc, lines);
  const name = path.length === 0 ? 'the file' : keyPath(path);
  return line === undefined ? name : `${name} (line ${line})`;
}

/** The line of the node at `path`, or of its nearest ancestor present in the file (a missing key: its mapping). */
function lineOf(path: Path, doc: Document, lines: LineCounter): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node?.range) return lines.linePos(node.range[0]).line;
  }
  return undefined;
}

/** The keys the schema allows in the object at `path`, if it is one. */
function knownKeys(schema: z.ZodType, path: Path): string[] | undefined {
  let def = (schema as unknown as { _zod: { def: Def } })._zod.def;
  for (const key of [...path, undefined]) {
    // Unwrap what does not change the shape: `.optional()` and `.transform()`.
    while (def.type === 'optional' || def.type === 'pipe')
      def = (def.type === 'optional' ? def.innerType : def.in)!._zod.def;
    if (key === undefined) return def.type === 'object' ? Object.keys(def.shape!) : undefined;
    const next = def.type === 'array' ? def.element : def.type === 'object' ? def.shape![key as string] : undefined;
    if (!next) return undefined;
    def = next._zod.def;
  }
  return undefined;
}

/** The parts of zod's internal definitions walked above. */
interface Def {
  type: string;
  innerType?: { _zod: { def: Def } };
  in?: { _zod: { def: Def } };
  element?: { _zod: { def: Def } };
  shape?: Record<string, { _zod: { def: Def } }>;
}

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

/** Each source file's runtime imports of other source files (`import type` is erased, so it cannot make a cycle). */
function importGraph(): Map<string, string[]> {
  const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(join(SRC, file), 'utf8');
    const specs = [...text.matchAll(/^(?:import|export)(?! type )[^;]*? from '(\.[^']+)\.js';/gm)]
      .filter(([statement]) => !/^import \{\s*(?:type [^,}]+,?\s*)+\}/.test(statement!))
      .map(([, spec]) => normalize(join(dirname(file), `${spec}.ts`)));
    graph.set(normalize(file), specs);
  }
  return graph;
}

function findCycle(graph: Map<string, string[]>): string[] | undefined {
  const done = new Set<string>();
  const visit = (file: string, path: string[]): string[] | undefined => {
    if (path.includes(file)) return [...path.slice(path.indexOf(file)), file];
    if (done.has(file)) return undefined;
    for (const next of graph.get(file) ?? []) {
      const cycle = visit(next, [...path, file]);
      if (cycle) return cycle;
    }
    done.add(file);
    return undefined;
  };
  for (const file of graph.keys()) {
    const cycle = visit(file, []);
    if (cycle) return cycle.map((f) => relative('.', f));
  }
  return undefined;
}

describe('module structure', () => {
  it('has no import cycle among the workflow sources', () => {
    const graph = importGraph();
    expect(graph.size).toBeGreaterThan(20);
    expect(findCycle(graph)).toBeUndefined();
  });
});

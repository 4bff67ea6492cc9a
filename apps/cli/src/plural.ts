const rules = new Intl.PluralRules('en');

/** `one` or its plural for `n` ("1 task", "0 tasks", "2 ids"): `many` defaults to `one` + "s". */
export function noun(n: number, one: string, many = `${one}s`): string {
  return rules.select(n) === 'one' ? one : many;
}

/** `n` and its noun: "1 task", "2 tasks", "3 batches" (with `many`). */
export function counted(n: number, one: string, many?: string): string {
  return `${n} ${noun(n, one, many)}`;
}

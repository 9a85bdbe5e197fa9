/** Dependency-graph helpers over targets: order, cycles, selection. */

type DepsOf = (name: string) => readonly string[];

/**
 * Orders `names` by depth (a target comes after everything it depends on, so phases stay
 * together) and then by name, or returns the first cycle found as a chain that starts and
 * ends with the same name.
 */
export function topologicalOrder(
  names: readonly string[],
  depsOf: DepsOf,
): { order: string[] } | { cycle: string[] } {
  const depth = new Map<string, number>();
  const visiting: string[] = [];
  const visit = (name: string): string[] | number => {
    const known = depth.get(name);
    if (known !== undefined) return known;
    const at = visiting.indexOf(name);
    if (at >= 0) return [...visiting.slice(at), name];
    visiting.push(name);
    let d = 0;
    for (const dep of [...depsOf(name)].sort()) {
      const result = visit(dep);
      if (typeof result !== 'number') return result;
      d = Math.max(d, result + 1);
    }
    visiting.pop();
    depth.set(name, d);
    return d;
  };
  for (const name of [...names].sort()) {
    const result = visit(name);
    if (typeof result !== 'number') return { cycle: result };
  }
  const order = [...names].sort((a, b) => (depth.get(a) ?? 0) - (depth.get(b) ?? 0) || (a < b ? -1 : a > b ? 1 : 0));
  return { order };
}

/** `roots` and everything they depend on, transitively. */
export function withDependencies(roots: Iterable<string>, depsOf: DepsOf): Set<string> {
  const selected = new Set<string>();
  const pending = [...roots];
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    if (selected.has(name)) continue;
    selected.add(name);
    pending.push(...depsOf(name));
  }
  return selected;
}

/** Exhaustiveness check for switches over tagged unions: a new case fails to compile. */
export function unreachable(value: never): never {
  throw new Error(`Internal error: unexpected ${JSON.stringify(value)}`);
}

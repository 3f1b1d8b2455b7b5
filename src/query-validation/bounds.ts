import { isPlainObject } from './schema';
import { paramName, type Walk } from './walk';

/** Bytes of the raw query string, checked before it is parsed. */
export function queryStringProblem(querystring: string, maxBytes: number): string | undefined {
  return Buffer.byteLength(querystring) > maxBytes ? `The query string is longer than ${maxBytes} bytes` : undefined;
}

/**
 * Every list and object in the parsed query holds at most `maxItems` entries, whatever the route: qs turns more than
 * 100 indices into an object, which is counted the same. `maxNesting` (custom routes only) bounds how deep the
 * query goes; core routes are bounded by their schema walk instead.
 */
export function checkShape(walk: Walk, query: Record<string, unknown>, maxNesting?: number): void {
  const visit = (value: unknown, path: string[], depth: number): void => {
    if (walk.issues.isFull) return;
    const entries = Array.isArray(value)
      ? value.map((item, index) => [String(index), item] as const)
      : isPlainObject(value)
        ? Object.entries(value)
        : undefined;
    if (!entries) return;
    if (path.length > 0 && entries.length > walk.limits.maxItems) {
      walk.issues.add(path, `${paramName(path)} takes at most ${walk.limits.maxItems} items`);
      return;
    }
    if (maxNesting !== undefined && depth > maxNesting) {
      walk.issues.add(path, `${paramName(path)} is nested deeper than ${maxNesting} levels`);
      return;
    }
    for (const [key, item] of entries) visit(item, [...path, key], depth + 1);
  };
  visit(query, [], 0);
}

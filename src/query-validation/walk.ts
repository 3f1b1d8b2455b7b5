import type { IssueList } from './issues';
import type { QueryLimits } from './limits';
import { isPlainObject, type Attribute, type Model, type Schemas } from './schema';

/** What every rule needs: the models, the bounds, and where to report. */
export interface Walk {
  schemas: Schemas;
  limits: QueryLimits;
  issues: IssueList;
}

/** `filters[price][$gt]`: the parameter as a client wrote it, for messages. */
export const paramName = (path: readonly string[]) =>
  path[0] +
  path
    .slice(1)
    .map((segment) => `[${segment}]`)
    .join('');

/**
 * A list as qs parsed it: an array, or (past qs's arrayLimit of 100 indices) an object with numeric keys. Reports a
 * list longer than the bound, and anything else, and returns the items when the list may be walked.
 */
export function listItems(walk: Walk, value: unknown, path: readonly string[], what: string): unknown[] | undefined {
  const items = Array.isArray(value)
    ? value
    : isPlainObject(value) && Object.keys(value).every((key) => /^\d+$/.test(key))
      ? Object.values(value)
      : undefined;
  if (items && items.length > walk.limits.maxItems) {
    walk.issues.add(path, `${paramName(path)} takes at most ${walk.limits.maxItems} items`);
    return undefined;
  }
  if (!Array.isArray(value)) {
    walk.issues.add(path, `${paramName(path)} must be a list of ${what}`);
    return undefined;
  }
  return items;
}

export function tooDeep(walk: Walk, depth: number, path: readonly string[]): boolean {
  if (depth <= walk.limits.maxDepth) return false;
  walk.issues.add(path, `${paramName(path)} is nested deeper than ${walk.limits.maxDepth} levels`);
  return true;
}

/**
 * The attribute a key names, or undefined after reporting why it may not be used: unknown, private, or a password
 * (Strapi's own validator refuses the same keys with 400; filtering on a private field must reveal nothing).
 */
export function usableAttribute(
  walk: Walk,
  model: Model,
  key: string,
  path: readonly string[],
  use: string
): Attribute | undefined {
  if (key === 'id') return { type: 'id' };
  if (key === 'documentId' && model.modelType !== 'component') return { type: 'string' };
  const attribute = Object.prototype.hasOwnProperty.call(model.attributes, key) ? model.attributes[key] : undefined;
  if (!attribute) {
    walk.issues.add(path, `${paramName(path)}: ${key} is not a field of ${model.uid}`);
    return undefined;
  }
  if (attribute.type === 'password' || attribute.private === true || walk.schemas.isPrivate(model, key)) {
    walk.issues.add(path, `${paramName(path)}: ${key} cannot be ${use}`);
    return undefined;
  }
  return attribute;
}

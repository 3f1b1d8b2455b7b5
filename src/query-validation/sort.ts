import { isMorphRelation, isPlainObject, isScalar, targetOf, type Model } from './schema';
import { listItems, paramName, tooDeep, usableAttribute, type Walk } from './walk';

const isOrder = (value: string) => ['asc', 'desc'].includes(value.trim().toLowerCase());

/**
 * `sort`: "a,b:desc,category.name:asc", a list of such strings, or { field: 'asc', relation: { field: 'desc' } } (or a
 * list of those), as Strapi's convert-query-params reads it. A scalar given an object (`sort[title][x]=asc`) and an
 * order other than asc/desc are refused here rather than in the database layer.
 */
export function checkSort(walk: Walk, sort: unknown, model: Model, path: readonly string[]): void {
  if (typeof sort === 'string') {
    checkSortString(walk, sort, model, path);
  } else if (Array.isArray(sort)) {
    const items = listItems(walk, sort, path, 'sort fields');
    if (!items || items.every((item) => item === null)) return; // `sort[]` alone: Strapi ignores it
    if (items.every((item) => typeof item === 'string'))
      items.forEach((item, index) => checkSortString(walk, item as string, model, [...path, String(index)]));
    else if (items.every(isPlainObject))
      items.forEach((item, index) => checkSortObject(walk, item, model, [...path, String(index)], 1));
    else walk.issues.add(path, `${paramName(path)} must be a list of field names or a list of objects`);
  } else if (isPlainObject(sort)) {
    checkSortObject(walk, sort, model, path, 1);
  } else {
    walk.issues.add(path, `${paramName(path)} must be a field name, a list, or an object`);
  }
}

function checkSortString(walk: Walk, sort: string, model: Model, path: readonly string[]): void {
  for (const segment of sort.split(',').map((part) => part.trim())) {
    const [field = '', order = 'asc', ...rest] = segment.split(':');
    if (!field.trim()) continue; // Strapi drops empty segments (a trailing comma)
    if (rest.length > 0 || !isOrder(order)) {
      walk.issues.add(path, `${paramName(path)}: the order of ${field.trim()} must be asc or desc`);
      continue;
    }
    checkSortPath(walk, field.trim().split('.'), model, path, 1);
  }
}

function checkSortPath(walk: Walk, names: string[], model: Model, path: readonly string[], depth: number): void {
  if (tooDeep(walk, depth, path)) return;
  const [name, ...rest] = names;
  if (rest.length === 0 && name === 'status' && model.options?.draftAndPublish) return; // Strapi's virtual status sort
  const attribute = usableAttribute(walk, model, name, path, 'sorted on');
  if (!attribute) return;
  if (rest.length === 0) {
    if (!isScalar(attribute)) walk.issues.add(path, `${paramName(path)}: name a field of ${name} to sort on`);
    return;
  }
  const target = sortableTarget(walk, model, name);
  if (!target) walk.issues.add(path, `${paramName(path)}: ${name} cannot be sorted through`);
  else checkSortPath(walk, rest, target, path, depth + 1);
}

function checkSortObject(
  walk: Walk,
  sort: Record<string, unknown>,
  model: Model,
  path: readonly string[],
  depth: number
): void {
  if (tooDeep(walk, depth, path)) return;
  for (const [key, value] of Object.entries(sort)) {
    if (walk.issues.isFull) return;
    const at = [...path, key];
    if (typeof value === 'string' && value.trim() === '') continue; // Strapi ignores a blank order
    if (key === 'status' && model.options?.draftAndPublish && typeof value === 'string') {
      if (!isOrder(value)) walk.issues.add(at, `${paramName(at)} must be asc or desc`);
      continue;
    }
    const attribute = usableAttribute(walk, model, key, at, 'sorted on');
    if (!attribute) continue;
    if (isScalar(attribute)) {
      if (typeof value !== 'string' || !isOrder(value)) walk.issues.add(at, `${paramName(at)} must be asc or desc`);
      continue;
    }
    const target = sortableTarget(walk, model, key);
    if (!target) walk.issues.add(at, `${paramName(at)}: ${key} cannot be sorted through`);
    else if (!isPlainObject(value)) walk.issues.add(at, `${paramName(at)} must name a field of ${key}`);
    else checkSortObject(walk, value, target, at, depth + 1);
  }
}

/** Relations, components and media can be sorted through (the database joins them); morph relations and dynamic zones cannot. */
function sortableTarget(walk: Walk, model: Model, key: string): Model | undefined {
  const attribute = model.attributes[key];
  if (!attribute || isMorphRelation(attribute)) return undefined;
  const target = targetOf(attribute);
  return target ? walk.schemas.model(target) : undefined;
}

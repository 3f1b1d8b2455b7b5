import { checkFields } from './fields';
import { checkFilters } from './filters';
import { isBooleanWord } from './operands';
import { isMorphRelation, isPlainObject, targetOf, type Attribute, type Model } from './schema';
import { checkSort } from './sort';
import { listItems, paramName, tooDeep, usableAttribute, type Walk } from './walk';

const POPULATABLE = ['relation', 'component', 'media', 'dynamiczone'];
const isMorphLike = (attribute: Attribute) => attribute.type === 'dynamiczone' || isMorphRelation(attribute);
/** What a populated relation, component or media field may say about itself. */
const OPTIONS = ['fields', 'filters', 'sort', 'populate', 'count'];
/** What a dynamic zone or morph relation may say: Strapi takes nothing else for them. */
const MORPH_OPTIONS = ['populate', 'on', 'count'];

/**
 * `populate`: '*', "a,b.c", a list of such strings, or { relation: true | '*' | { fields, filters, sort, populate,
 * count } } (dynamic zones and morph relations: { populate: '*', on: { component: … }, count }). Each level of
 * relations is one level of depth; the options of a populated relation are checked against its target.
 */
export function checkPopulate(walk: Walk, populate: unknown, model: Model, path: readonly string[], depth = 1): void {
  if (populate === '*') return;
  if (typeof populate === 'string') {
    checkDottedPaths(walk, populate, model, path, depth);
    return;
  }
  if (isPlainObject(populate) && !Object.keys(populate).every((key) => /^\d+$/.test(key))) {
    if (tooDeep(walk, depth, path)) return;
    for (const [key, value] of Object.entries(populate)) {
      if (walk.issues.isFull) return;
      checkPopulateEntry(walk, key, value, model, [...path, key], depth);
    }
    return;
  }
  const items = listItems(walk, populate, path, 'relation names');
  if (!items) return;
  if (!items.every((item) => typeof item === 'string'))
    walk.issues.add(path, `${paramName(path)} must be a relation name, a list of them, or an object`);
  else items.forEach((item, index) => checkDottedPaths(walk, item as string, model, [...path, String(index)], depth));
}

function checkDottedPaths(walk: Walk, paths: string, model: Model, path: readonly string[], depth: number): void {
  for (const dotted of paths
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    checkDottedPath(
      walk,
      dotted
        .split('.')
        .map((part) => part.trim())
        .filter(Boolean),
      model,
      path,
      depth
    );
  }
}

function populatable(walk: Walk, model: Model, key: string, path: readonly string[]): Attribute | undefined {
  const attribute = usableAttribute(walk, model, key, path, 'populated');
  if (attribute && !POPULATABLE.includes(attribute.type)) {
    walk.issues.add(path, `${paramName(path)}: ${key} is not a relation, component or media field`);
    return undefined;
  }
  return attribute;
}

function checkDottedPath(walk: Walk, names: string[], model: Model, path: readonly string[], depth: number): void {
  if (names.length === 0 || tooDeep(walk, depth, path)) return;
  const [name, ...rest] = names;
  const attribute = populatable(walk, model, name, path);
  if (!attribute || rest.length === 0) return;
  if (attribute.type === 'dynamiczone') {
    const candidates = (attribute.components ?? [])
      .map((uid) => walk.schemas.model(uid))
      .filter((component): component is Model => !!component?.attributes[rest[0]]);
    if (candidates.length === 0)
      walk.issues.add(path, `${paramName(path)}: ${rest[0]} is not in the components of ${name}`);
    else if (rest.length > 1) checkDottedPath(walk, rest, candidates[0], path, depth + 1);
    return;
  }
  const target = attribute.type === 'media' || isMorphRelation(attribute) ? undefined : targetOf(attribute);
  const targetModel = target ? walk.schemas.model(target) : undefined;
  if (!targetModel) walk.issues.add(path, `${paramName(path)}: ${name} cannot be populated further with a dotted path`);
  else checkDottedPath(walk, rest, targetModel, path, depth + 1);
}

function checkPopulateEntry(
  walk: Walk,
  key: string,
  value: unknown,
  model: Model,
  path: readonly string[],
  depth: number
): void {
  const attribute = populatable(walk, model, key, path);
  if (!attribute) return;
  if (value === '*' || value === true || value === false || isBooleanWord(value)) return;
  if (!isPlainObject(value)) {
    walk.issues.add(path, `${paramName(path)} must be true, false, * or an object of options`);
    return;
  }
  if (isMorphLike(attribute)) {
    checkMorphOptions(walk, value, attribute, path, depth);
    return;
  }
  const target = targetOf(attribute);
  const targetModel = target ? walk.schemas.model(target) : undefined;
  if (!targetModel) {
    walk.issues.add(path, `${paramName(path)}: ${key} cannot be populated`);
    return;
  }
  checkOptions(walk, value, targetModel, path, depth);
}

function checkOptions(
  walk: Walk,
  options: Record<string, unknown>,
  model: Model,
  path: readonly string[],
  depth: number
): void {
  for (const [option, value] of Object.entries(options)) {
    const at = [...path, option];
    if (!OPTIONS.includes(option))
      walk.issues.add(at, `${paramName(at)}: ${option} is not a populate option (${OPTIONS.join(', ')})`);
    else if (option === 'fields') checkFields(walk, value, model, at);
    else if (option === 'filters') checkFilters(walk, value, model, at);
    else if (option === 'sort') checkSort(walk, value, model, at);
    else if (option === 'populate') checkPopulate(walk, value, model, at, depth + 1);
    else if (!isBooleanWord(value)) walk.issues.add(at, `${paramName(at)} must be true or false`);
  }
}

function checkMorphOptions(
  walk: Walk,
  options: Record<string, unknown>,
  attribute: Attribute,
  path: readonly string[],
  depth: number
): void {
  for (const [option, value] of Object.entries(options)) {
    const at = [...path, option];
    if (!MORPH_OPTIONS.includes(option)) {
      walk.issues.add(at, `${paramName(at)}: ${option} is not a populate option here (${MORPH_OPTIONS.join(', ')})`);
    } else if (option === 'populate') {
      if (value !== '*') walk.issues.add(at, `${paramName(at)} must be * here (use "on" to choose per component)`);
    } else if (option === 'count') {
      if (!isBooleanWord(value)) walk.issues.add(at, `${paramName(at)} must be true or false`);
    } else if (!isPlainObject(value)) {
      walk.issues.add(at, `${paramName(at)} must be an object keyed by component or type`);
    } else {
      for (const [uid, fragment] of Object.entries(value)) {
        const fragmentPath = [...at, uid];
        const allowed = attribute.type !== 'dynamiczone' || (attribute.components ?? []).includes(uid);
        const fragmentModel = allowed ? walk.schemas.model(uid) : undefined;
        if (!fragmentModel)
          walk.issues.add(fragmentPath, `${paramName(fragmentPath)}: ${uid} is not a type this field holds`);
        else if (fragment === '*' || fragment === true || isBooleanWord(fragment)) continue;
        else if (!isPlainObject(fragment))
          walk.issues.add(fragmentPath, `${paramName(fragmentPath)} must be true or an object of options`);
        else if (!tooDeep(walk, depth + 1, fragmentPath))
          checkOptions(walk, fragment, fragmentModel, fragmentPath, depth + 1);
      }
    }
  }
}

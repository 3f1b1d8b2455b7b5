import { isScalar, type Model } from './schema';
import { listItems, paramName, usableAttribute, type Walk } from './walk';

/** `fields`: '*', a comma-separated string or a list of them; each a plain (scalar), non-private field. */
export function checkFields(walk: Walk, fields: unknown, model: Model, path: readonly string[]): void {
  if (fields === '*') return;
  if (typeof fields === 'string') {
    checkFieldNames(walk, fields, model, path);
    return;
  }
  const items = listItems(walk, fields, path, 'field names');
  if (!items) return;
  if (!items.every((item) => typeof item === 'string')) {
    walk.issues.add(path, `${paramName(path)} must be a field name or a list of field names`);
    return;
  }
  items.forEach((item, index) => checkFieldNames(walk, item as string, model, [...path, String(index)]));
}

function checkFieldNames(walk: Walk, names: string, model: Model, path: readonly string[]): void {
  const list = names.split(',').map((part) => part.trim());
  // An empty name (`fields=`, `fields=title,`) would be selected as a column named '' (a 500 for `fields=`).
  if (list.includes('')) {
    walk.issues.add(path, `${paramName(path)} names an empty field`);
    return;
  }
  for (const name of list) {
    const attribute = usableAttribute(walk, model, name, path, 'selected');
    if (attribute && !isScalar(attribute))
      walk.issues.add(path, `${paramName(path)}: ${name} is not a plain field (populate it instead)`);
  }
}

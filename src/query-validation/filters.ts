import {
  ATTRIBUTE_OPERATORS,
  LIST_OPERATORS,
  NULL_OPERATORS,
  STRING_OPERATORS,
  isBooleanWord,
  isJsonType,
  isOperatorKey,
  isStringType,
  operandProblem,
} from './operands';
import { isMorphRelation, isPlainObject, targetOf, type Attribute, type Model } from './schema';
import { listItems, paramName, tooDeep, usableAttribute, type Walk } from './walk';

/**
 * `filters` as Strapi's parser and database layer understand it (convert-query-params.js, database where.js), checked
 * before them: what they would turn into a 500 (a non-list `$or`, an operator in the wrong place, `abc` compared with
 * a number) is a 400 naming the parameter.
 */
export function checkFilters(walk: Walk, filters: unknown, model: Model, path: readonly string[]): void {
  if (Array.isArray(filters)) {
    const items = listItems(walk, filters, path, 'filter objects') ?? [];
    items.forEach((item, index) => checkFilterObject(walk, item, model, [...path, String(index)], 1));
    return;
  }
  checkFilterObject(walk, filters, model, path, 1);
}

function checkFilterObject(walk: Walk, where: unknown, model: Model, path: readonly string[], depth: number): void {
  if (!isPlainObject(where)) {
    walk.issues.add(path, `${paramName(path)} must be an object of filters`);
    return;
  }
  if (tooDeep(walk, depth, path)) return;
  for (const [key, value] of Object.entries(where)) {
    if (walk.issues.isFull) return;
    const at = [...path, key];
    if (key === '$and' || key === '$or') {
      checkGroup(walk, value, model, at, depth);
    } else if (key === '$not') {
      checkFilterObject(walk, value, model, at, depth + 1);
    } else if (isOperatorKey(key)) {
      walk.issues.add(at, `${paramName(at)}: ${key} must follow a field name (only $and, $or and $not stand alone)`);
    } else {
      const attribute = usableAttribute(walk, model, key, at, 'filtered on');
      if (attribute) checkAttributeFilter(walk, value, attribute, at, depth);
    }
  }
}

function checkGroup(walk: Walk, value: unknown, model: Model, path: readonly string[], depth: number): void {
  const items = listItems(walk, value, path, 'filter objects');
  items?.forEach((item, index) => checkFilterObject(walk, item, model, [...path, String(index)], depth + 1));
}

function checkAttributeFilter(
  walk: Walk,
  value: unknown,
  attribute: Attribute,
  path: readonly string[],
  depth: number
): void {
  const target = targetOf(attribute);
  if (attribute.type === 'dynamiczone' || isMorphRelation(attribute)) {
    walk.issues.add(path, `${paramName(path)}: this field cannot be filtered on`);
    return;
  }
  if (target) {
    checkRelationFilter(walk, value, target, path, depth + 1);
    return;
  }
  checkCondition(walk, value, attribute, path);
}

const ID: Attribute = { type: 'id' };

/**
 * A relation (or component, or media) filter: either conditions on the target's fields, or one operator applied to
 * the target's id (the database layer throws on a mix, or on two operators).
 */
function checkRelationFilter(
  walk: Walk,
  value: unknown,
  targetUid: string,
  path: readonly string[],
  depth: number
): void {
  const target = walk.schemas.model(targetUid);
  if (!target) {
    walk.issues.add(path, `${paramName(path)}: this field cannot be filtered on`);
    return;
  }
  if (!isPlainObject(value)) {
    checkOperator(walk, '$eq', value, ID, path);
    return;
  }
  const keys = Object.keys(value);
  const operators = keys.filter(isOperatorKey);
  if (operators.length === 0) {
    checkFilterObject(walk, value, target, path, depth);
  } else if (operators.length !== keys.length) {
    walk.issues.add(path, `${paramName(path)} mixes operators and field names`);
  } else if (operators.length > 1) {
    walk.issues.add(path, `${paramName(path)} takes one operator at a time`);
  } else {
    const [operator] = operators;
    const at = [...path, operator];
    if (operator === '$and' || operator === '$or') checkGroup(walk, value[operator], target, at, depth);
    else if (operator === '$not' && isPlainObject(value[operator]))
      walk.issues.add(at, `${paramName(at)} takes an id here`);
    else checkOperator(walk, operator, value[operator], ID, at);
  }
}

/** The value given for a scalar field: a value (implicit $eq), a list of values, or an object of operators. */
function checkCondition(walk: Walk, value: unknown, attribute: Attribute, path: readonly string[]): void {
  if (!isPlainObject(value)) {
    checkOperator(walk, '$eq', value, attribute, path);
    return;
  }
  for (const [operator, operand] of Object.entries(value)) {
    if (walk.issues.isFull) return;
    const at = [...path, operator];
    if (!ATTRIBUTE_OPERATORS.includes(operator)) {
      walk.issues.add(
        at,
        `${paramName(at)}: ${operator} is not a filter operator${isOperatorKey(operator) ? '' : ' (the field is not a relation)'}`
      );
    } else {
      checkOperator(walk, operator, operand, attribute, at);
    }
  }
}

function checkOperator(
  walk: Walk,
  operator: string,
  operand: unknown,
  attribute: Attribute,
  path: readonly string[]
): void {
  const name = paramName(path);
  if (operator === '$not') {
    if (isPlainObject(operand)) checkCondition(walk, operand, attribute, path);
    else checkOperator(walk, '$eq', operand, attribute, path);
    return;
  }
  if ((NULL_OPERATORS as readonly string[]).includes(operator)) {
    if (!isBooleanWord(operand)) walk.issues.add(path, `${name} must be true or false`);
    return;
  }
  if (isJsonType(attribute.type)) {
    walk.issues.add(path, `${name}: JSON fields can only be filtered with $null or $notNull`);
    return;
  }
  const isStringOperator = (STRING_OPERATORS as readonly string[]).includes(operator);
  if (isStringOperator && !isStringType(attribute.type)) {
    walk.issues.add(path, `${name}: ${operator} applies to text fields only`);
    return;
  }
  if (operator === '$between') {
    const items = listItems(walk, operand, path, 'two values');
    if (!items) return;
    if (items.length !== 2) walk.issues.add(path, `${name} takes exactly two values`);
    else items.forEach((item, index) => checkOperand(walk, operator, item, attribute, [...path, String(index)]));
    return;
  }
  if (Array.isArray(operand) || (isPlainObject(operand) && (LIST_OPERATORS as readonly string[]).includes(operator))) {
    // A list: $in/$notIn, or any other operator applied to each item (OR'd by the database layer).
    const items = listItems(walk, operand, path, 'values');
    items?.forEach((item, index) => checkOperand(walk, operator, item, attribute, [...path, String(index)]));
    return;
  }
  checkOperand(walk, operator, operand, attribute, path);
}

const NULL_COMPARABLE = ['$eq', '$ne', '$eqi', '$nei'];
const ENUM_EXACT = ['$eq', '$ne', '$in', '$notIn'];

function checkOperand(
  walk: Walk,
  operator: string,
  operand: unknown,
  attribute: Attribute,
  path: readonly string[]
): void {
  const name = paramName(path);
  if (operand === null || operand === undefined) {
    if (!NULL_COMPARABLE.includes(operator)) walk.issues.add(path, `${name} needs a value`);
    return;
  }
  if (typeof operand !== 'string') {
    walk.issues.add(path, `${name} must be a single value`);
    return;
  }
  const problem = operandProblem(attribute, operand);
  if (problem) {
    walk.issues.add(path, `${name} ${problem}`);
    return;
  }
  if (
    attribute.type === 'enumeration' &&
    ENUM_EXACT.includes(operator) &&
    attribute.enum &&
    !attribute.enum.includes(operand)
  ) {
    walk.issues.add(path, `${name} must be one of ${attribute.enum.join(', ')}`);
  }
}

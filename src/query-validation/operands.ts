import type { Attribute } from './schema';

/**
 * What each filter operator accepts, per attribute type: the checks Strapi's database layer would otherwise make
 * by throwing (a 500), or not make at all (an integer past PostgreSQL's range, LIKE on a numeric column).
 */

/** Operators allowed beside attributes at the level of a model. */
export const LOGICAL_OPERATORS = ['$and', '$or', '$not'] as const;

export const STRING_OPERATORS = [
  '$eqi',
  '$nei',
  '$contains',
  '$notContains',
  '$containsi',
  '$notContainsi',
  '$startsWith',
  '$startsWithi',
  '$endsWith',
  '$endsWithi',
] as const;

export const COMPARISON_OPERATORS = ['$eq', '$ne', '$lt', '$lte', '$gt', '$gte'] as const;
export const LIST_OPERATORS = ['$in', '$notIn'] as const;
export const NULL_OPERATORS = ['$null', '$notNull'] as const;

/** Every operator a REST filter may use on an attribute (Strapi's `$jsonSupersetOf` is internal only). */
export const ATTRIBUTE_OPERATORS: readonly string[] = [
  ...COMPARISON_OPERATORS,
  ...STRING_OPERATORS,
  ...LIST_OPERATORS,
  ...NULL_OPERATORS,
  '$between',
  '$not',
];

export const isOperatorKey = (key: string) => key.startsWith('$');

/** Strapi's boolean words (parse-type.js): what a boolean field and `$null` accept. */
const BOOLEAN_WORDS = ['true', 'false', 't', 'f', '1', '0'];
export const isBooleanWord = (value: unknown) => typeof value === 'string' && BOOLEAN_WORDS.includes(value);

const STRING_TYPES = ['string', 'text', 'richtext', 'email', 'uid', 'enumeration'];
const INT32 = 2_147_483_647;
const INT64 = BigInt('9223372036854775807');

/** Types whose values are strings, so the string operators make sense (and LIKE works on their columns). */
export const isStringType = (type: string) => STRING_TYPES.includes(type);

/** JSON-like columns: only `$null`/`$notNull` mean something portable (LIKE on jsonb fails on PostgreSQL). */
export const isJsonType = (type: string) => type === 'json' || type === 'blocks';

function isWhole(value: string, max: number | bigint): boolean {
  if (!/^[+-]?\d{1,19}$/.test(value)) return false;
  const number = BigInt(value);
  const limit = BigInt(max);
  return number <= limit && number >= -limit - BigInt(1);
}

const isDecimal = (value: string) =>
  /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,3})?$/.test(value) && Number.isFinite(Number(value));

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

function isCalendarDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month);
}

const TIME = /^([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,3})?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME =
  /^\d{4}-\d{2}-\d{2}([T ]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]([01]\d|2[0-3]):?[0-5]\d)?)?$/;

/** Why `value` cannot be compared with an attribute of this type; undefined when it can. */
export function operandProblem(attribute: Attribute, value: string): string | undefined {
  switch (attribute.type) {
    case 'id':
      return isWhole(value, INT32) && !value.startsWith('-') ? undefined : 'must be a positive whole number';
    case 'integer':
      return isWhole(value, INT32) ? undefined : 'must be a whole number';
    case 'biginteger':
      return isWhole(value, INT64) ? undefined : 'must be a whole number';
    case 'float':
    case 'decimal':
      return isDecimal(value) ? undefined : 'must be a number';
    case 'boolean':
      return isBooleanWord(value) ? undefined : 'must be true or false';
    case 'date':
      return (DATE.test(value) || DATE_TIME.test(value)) && isCalendarDate(value)
        ? undefined
        : 'must be an ISO date (YYYY-MM-DD)';
    case 'datetime':
    case 'timestamp':
      if (/^\d{1,15}$/.test(value)) return undefined; // a millisecond timestamp, as Strapi accepts
      return DATE_TIME.test(value) && isCalendarDate(value) ? undefined : 'must be an ISO date-time';
    case 'time':
      return TIME.test(value) ? undefined : 'must be a time (HH:mm:ss)';
    default:
      return undefined;
  }
}

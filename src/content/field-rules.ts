/**
 * The field rules a content type's schema declares (required, min/max, minLength/maxLength, enumerations,
 * uid characters), checked the same way whatever the entry's status. Strapi's own validator relaxes
 * `required`, `min`, `minLength` and `regex` for drafts, so a draft could hold a negative price or no
 * title (contract, "Catalog": field rules hold on drafts as on published entries). Pure functions over a
 * schema's attributes and a write's data, so they are tested without a server (tests/unit/field-rules.test.ts).
 */

export interface FieldError {
  path: Array<string | number>;
  message: string;
  name: 'ValidationError';
}

/** What a write does to an entry: `create` fills every field (defaults included), `update` only those it names. */
export type WriteMode = 'create' | 'update';

/** The part of a schema attribute the rules read. */
export interface FieldAttribute {
  type: string;
  required?: boolean;
  default?: unknown;
  min?: number | string;
  max?: number | string;
  minLength?: number;
  maxLength?: number;
  enum?: string[];
  regex?: string;
  component?: string;
  repeatable?: boolean;
  relation?: string;
}

export type Attributes = Record<string, FieldAttribute>;

/** A component's attributes by its uid (`quiz.question`), for the fields nested in components. */
export type ComponentAttributes = (uid: string) => Attributes | undefined;

const TEXT_TYPES = new Set(['string', 'text', 'richtext', 'email', 'uid', 'password']);
const NUMBER_TYPES = new Set(['integer', 'decimal', 'float']);
/** Strapi's default limit for a `string` without maxLength (its validator applies the same). */
const STRING_MAX_LENGTH = 255;
/** What Strapi accepts in a `uid` when the schema names no regex. */
const UID_CHARACTERS = /^[A-Za-z0-9\-_.~]*$/;
/** Fields Strapi manages itself: never the client's to break. */
const SYSTEM_FIELDS = new Set([
  'id',
  'documentId',
  'createdAt',
  'updatedAt',
  'publishedAt',
  'createdBy',
  'updatedBy',
  'locale',
  'localizations',
]);

const problem = (path: Array<string | number>, message: string): FieldError => ({
  path,
  message,
  name: 'ValidationError',
});

const finiteNumber = (value: unknown): number | undefined => {
  if (value === undefined || value === null || value === '') return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
};

/**
 * A number as Strapi's validator takes it: a JSON number, or a numeric string (multipart bodies carry
 * numbers as text and Strapi casts them). Anything else is undefined.
 */
function numberFrom(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(value)) return Number(value);
  return undefined;
}

function textErrors(
  name: string,
  attribute: FieldAttribute,
  value: unknown,
  path: Array<string | number>
): FieldError[] {
  if (typeof value !== 'string') return [problem(path, `${name} must be a string`)];
  if (attribute.type === 'enumeration') {
    return (attribute.enum ?? []).includes(value)
      ? []
      : [problem(path, `${name} must be one of: ${(attribute.enum ?? []).join(', ')}`)];
  }
  // A required text is there to be read: whitespace alone does not fill it.
  if (attribute.required && value.trim() === '') return [problem(path, `${name} must not be empty`)];
  const maxLength = Number.isInteger(attribute.maxLength)
    ? (attribute.maxLength as number)
    : attribute.type === 'string'
      ? STRING_MAX_LENGTH
      : undefined;
  if (maxLength !== undefined && value.length > maxLength)
    return [problem(path, `${name} must be at most ${maxLength} characters`)];
  if (Number.isInteger(attribute.minLength) && value.length < (attribute.minLength as number)) {
    return [problem(path, `${name} must be at least ${attribute.minLength} characters`)];
  }
  if (attribute.type === 'uid' || attribute.regex) {
    const pattern = attribute.regex ? new RegExp(attribute.regex) : UID_CHARACTERS;
    if (value !== '' && !pattern.test(value)) return [problem(path, `${name} has characters it may not hold`)];
  }
  return [];
}

function numberErrors(
  name: string,
  attribute: FieldAttribute,
  value: unknown,
  path: Array<string | number>
): FieldError[] {
  const number = numberFrom(value);
  if (number === undefined) return [problem(path, `${name} must be a number`)];
  if (attribute.type === 'integer' && !Number.isInteger(number))
    return [problem(path, `${name} must be a whole number`)];
  const min = finiteNumber(attribute.min);
  const max = finiteNumber(attribute.max);
  if (min !== undefined && number < min) return [problem(path, `${name} must be at least ${min}`)];
  if (max !== undefined && number > max) return [problem(path, `${name} must be at most ${max}`)];
  return [];
}

function componentErrors(
  name: string,
  attribute: FieldAttribute,
  value: unknown,
  path: Array<string | number>,
  componentAttributes: ComponentAttributes
): FieldError[] {
  const nested = attribute.component ? componentAttributes(attribute.component) : undefined;
  if (!nested) return [];
  const itemErrors = (item: unknown, itemPath: Array<string | number>) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item))
      return [problem(itemPath, `${name} must be an object`)];
    // An item that names its id updates that stored component in place; one without is created whole.
    const mode: WriteMode = 'id' in item && (item as { id?: unknown }).id != null ? 'update' : 'create';
    return fieldErrors(nested, item as Record<string, unknown>, mode, componentAttributes, itemPath);
  };
  if (!attribute.repeatable) return itemErrors(value, path);
  if (!Array.isArray(value)) return [problem(path, `${name} must be a list`)];
  return value.flatMap((item, index) => itemErrors(item, [...path, index]));
}

/**
 * Every field rule the attributes declare that `data` breaks, one error per field, with its path.
 * On `create` a required field must be given (or have a default); on `update` a field left out keeps its
 * stored value, and only an explicit null empties a required one. Relations and media are left to
 * requiredRelationErrors and the upload rules; booleans, dates and JSON to Strapi's own validator, which
 * checks them the same way for drafts.
 */
export function fieldErrors(
  attributes: Attributes,
  data: Record<string, unknown>,
  mode: WriteMode,
  componentAttributes: ComponentAttributes,
  basePath: Array<string | number> = []
): FieldError[] {
  const errors: FieldError[] = [];
  for (const [name, attribute] of Object.entries(attributes)) {
    if (
      SYSTEM_FIELDS.has(name) ||
      attribute.type === 'relation' ||
      attribute.type === 'media' ||
      attribute.type === 'dynamiczone'
    )
      continue;
    const path = [...basePath, name];
    const value = data[name];
    if (value === undefined) {
      if (mode === 'create' && attribute.required && attribute.default === undefined)
        errors.push(problem(path, `${name} is required`));
      continue;
    }
    if (value === null) {
      if (attribute.required) errors.push(problem(path, `${name} must not be empty`));
      continue;
    }
    if (TEXT_TYPES.has(attribute.type) || attribute.type === 'enumeration')
      errors.push(...textErrors(name, attribute, value, path));
    else if (NUMBER_TYPES.has(attribute.type)) errors.push(...numberErrors(name, attribute, value, path));
    else if (attribute.type === 'component')
      errors.push(...componentErrors(name, attribute, value, path, componentAttributes));
  }
  return errors;
}

/**
 * Relations an entry cannot live without (contract, "Catalog": lessons, quizzes and assignments need their
 * course or lesson). Each rule lists fields of which at least one must point somewhere: a quiz names its
 * lesson or, as a final test, its course. Ownership follows these relations (src/access/ownership.ts): an
 * entry of no course would belong to no teacher, so not even its creator could change or delete it.
 */
export const REQUIRED_RELATIONS: Record<string, { anyOf: string[]; message: string }> = {
  'api::lesson.lesson': { anyOf: ['course'], message: 'A lesson belongs to a course: name it by documentId' },
  'api::quiz.quiz': { anyOf: ['lesson', 'course'], message: 'A quiz names its lesson or, as a final test, its course' },
  'api::assignment.assignment': {
    anyOf: ['course'],
    message: 'An assignment belongs to a course: name it by documentId',
  },
  'api::announcement.announcement': {
    anyOf: ['course'],
    message: 'An announcement belongs to a course: name it by documentId',
  },
  'api::review.review': { anyOf: ['course'], message: 'A review is of a course: name it by documentId' },
  'api::question-bank.question-bank': {
    anyOf: ['course'],
    message: 'A question bank belongs to a course: name it by documentId',
  },
};

/** What a write's value does to a relation: points it somewhere, empties it, or leaves it as stored. */
export type RelationChange = 'set' | 'cleared' | 'untouched';

const hasItems = (value: unknown) => (Array.isArray(value) ? value.length > 0 : value !== undefined && value !== null);

/**
 * Reads every shape Strapi 5 takes for a relation: a documentId or id, `{ documentId }`, a list, or
 * `{ connect, disconnect, set }`. The admin panel sends `{ connect: [], disconnect: [] }` for a relation the
 * user did not touch, and `{ connect: [], disconnect: [current] }` when they remove it.
 */
export function relationChange(value: unknown, isToOne: boolean): RelationChange {
  if (value === undefined) return 'untouched';
  if (value === null || value === '') return 'cleared';
  if (Array.isArray(value)) return value.length > 0 ? 'set' : 'cleared';
  if (typeof value === 'object') {
    const shape = value as { connect?: unknown; disconnect?: unknown; set?: unknown };
    if ('set' in shape && shape.set !== undefined) return hasItems(shape.set) ? 'set' : 'cleared';
    if ('connect' in shape || 'disconnect' in shape) {
      if (hasItems(shape.connect)) return 'set';
      // Taking the one entry off a to-one relation empties it; a to-many one may keep others.
      return hasItems(shape.disconnect) && isToOne ? 'cleared' : 'untouched';
    }
  }
  return 'set';
}

/**
 * The error a write makes by leaving an entry without its required relations, or none. `stored` says, for
 * an update, which of the fields currently point somewhere (null when the row does not exist yet, e.g. an
 * update that adds a locale); it is only asked for when the write itself does not settle the answer.
 */
export async function requiredRelationErrors(
  rule: { anyOf: string[]; message: string },
  changes: Record<string, RelationChange>,
  mode: WriteMode,
  stored: (fields: string[]) => Promise<Record<string, boolean> | null>
): Promise<FieldError[]> {
  if (rule.anyOf.some((field) => changes[field] === 'set')) return [];
  const untouched = rule.anyOf.filter((field) => changes[field] === 'untouched');
  if (mode === 'update' && untouched.length > 0) {
    const current = await stored(untouched);
    if (current && untouched.some((field) => current[field])) return [];
  }
  return rule.anyOf.map((field) => problem([field], rule.message));
}

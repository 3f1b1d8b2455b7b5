/**
 * The part of a Strapi model the query rules read. Kept as plain data so the rules are tested without Strapi; the
 * middleware passes `strapi.getModel` and Strapi's own private-attribute test.
 */
export interface Attribute {
  type: string;
  relation?: string;
  target?: string;
  component?: string;
  components?: string[];
  enum?: string[];
  private?: boolean;
}

export interface Model {
  uid: string;
  modelType?: string;
  attributes: Record<string, Attribute>;
  options?: { draftAndPublish?: boolean; privateAttributes?: string[] };
}

export interface Schemas {
  model(uid: string): Model | undefined;
  isPrivate(model: Model, key: string): boolean;
}

export const UPLOAD_FILE = 'plugin::upload.file';

/** Where a relation, component or media attribute leads; undefined for every other type. */
export function targetOf(attribute: Attribute): string | undefined {
  if (attribute.type === 'relation') return attribute.target;
  if (attribute.type === 'component') return attribute.component;
  if (attribute.type === 'media') return UPLOAD_FILE;
  return undefined;
}

export const isMorphRelation = (attribute: Attribute) =>
  attribute.type === 'relation' && (attribute.relation ?? '').toLowerCase().startsWith('morph');

export const isScalar = (attribute: Attribute) =>
  !['relation', 'component', 'media', 'dynamiczone'].includes(attribute.type);

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  [Object.prototype, null].includes(Object.getPrototypeOf(value));

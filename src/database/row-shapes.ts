import type { Core } from '@strapi/strapi';
import { contentTypes } from '@strapi/utils';
import { columnOf } from './tables';

/**
 * A content type's or component's row as Strapi's REST answer shows it, for the hand-written reads
 * (src/api/course/reads/catalog-read.ts, src/blog/article-list-read.ts): every public scalar attribute, converted
 * as @strapi/database's fields convert a column, so a new attribute shows up in the fast answer as in the stock one.
 */

export type Row = Record<string, unknown>;

export interface OutputField {
  attribute: string;
  column: string;
  type: string;
}

/** What the stock read shows of a row: every public scalar attribute, converted as Strapi's fields convert. */
export interface RowShape {
  fields: OutputField[];
}

const SCALAR_TYPES = new Set([
  'string',
  'uid',
  'text',
  'richtext',
  'enumeration',
  'email',
  'integer',
  'float',
  'decimal',
  'biginteger',
  'boolean',
  'datetime',
  'timestamp',
  'json',
  'blocks',
]);

/** As @strapi/database's field classes read a column (fields/*.js `fromDB`), for the types the catalog shows. */
export function fromColumn(type: string, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'integer':
    case 'float':
    case 'decimal':
      return Number(value);
    case 'biginteger':
      return String(value);
    case 'boolean':
      if (typeof value === 'boolean') return value;
      return String(value) === '1' ? true : String(value) === '0' ? false : null;
    case 'datetime':
    case 'timestamp': {
      const date = value instanceof Date ? value : new Date(value as string | number);
      return Number.isNaN(date.getTime()) ? null : date.toISOString();
    }
    case 'json':
    case 'blocks':
      if (typeof value !== 'string') return value;
      try {
        const parsed = JSON.parse(value);
        // Strapi 5 release candidates stored some JSON twice stringified; its field reads those twice.
        return typeof parsed === 'string' ? JSON.parse(parsed) : parsed;
      } catch {
        return value;
      }
    default:
      return String(value);
  }
}

/**
 * The public fields of a content type, from its schema and Strapi's metadata (so a new attribute shows up here as it
 * does in the stock answer). Null when it has a scalar type this reader does not convert: callers then keep the
 * stock path rather than guess. `withPrivate` keeps the private ones too: what the query engine answers before any
 * sanitiser (a lesson's media files, which the lesson read returns as Strapi's query engine populates them).
 */
export function rowShapeOf(
  strapi: Core.Strapi,
  uid: string,
  { withPrivate = false }: { withPrivate?: boolean } = {}
): RowShape | null {
  const model = strapi.getModel(uid as Parameters<Core.Strapi['getModel']>[0]);
  // Every document's own keys, which the content type's attributes do not list.
  const fields: OutputField[] = [{ attribute: 'id', column: 'id', type: 'integer' }];
  // A component's row is part of its entry: it has an id but no documentId of its own.
  if (model.modelType !== 'component') fields.push({ attribute: 'documentId', column: 'document_id', type: 'string' });
  for (const [attribute, definition] of Object.entries(model.attributes)) {
    const type = (definition as { type: string }).type;
    if (attribute === 'id' || attribute === 'documentId') continue;
    if (['relation', 'media', 'component', 'dynamiczone'].includes(type)) continue;
    if (type === 'password' || (!withPrivate && contentTypes.isPrivateAttribute(model, attribute))) continue;
    if (!SCALAR_TYPES.has(type)) return null;
    fields.push({ attribute, column: columnOf(strapi, uid, attribute), type });
  }
  return { fields };
}

export function shapeRow(shape: RowShape, row: Row): Row {
  const shaped: Row = {};
  for (const field of shape.fields) shaped[field.attribute] = fromColumn(field.type, row[field.column]);
  return shaped;
}

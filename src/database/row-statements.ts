import type { Core } from '@strapi/strapi';
import type { SqlStatement } from '../access/raw-sql';
import { columnOf as attributeColumn, tableOf } from './tables';

/** `id` is every table's key, whether or not the metadata lists it as an attribute. */
const columnOf = (strapi: Core.Strapi, uid: string, attribute: string) =>
  attribute === 'id' ? 'id' : attributeColumn(strapi, uid, attribute);

/**
 * Statement pieces built from a content type's attribute names, so a module that writes or reads another module's
 * rows in its own statement (one round trip where two would do) names attributes and typed values, never columns
 * or SQL it was handed: the columns come from Strapi's metadata here.
 */

/** `alias.column AS "attribute"` for each attribute: the row comes back keyed by attribute name. */
export function selectAttributes(
  strapi: Core.Strapi,
  uid: string,
  attributes: readonly string[],
  alias: string
): { sql: string; bindings: string[] } {
  return {
    sql: attributes.map(() => '??.?? AS ??').join(', '),
    bindings: attributes.flatMap((attribute) => [alias, columnOf(strapi, uid, attribute), attribute]),
  };
}

/**
 * An UPDATE of one row by id answering its id when written (`RETURNING id`): run alone, or inside a larger
 * statement. `onlyWhere` adds equality conditions (a row still in the state the writer expects).
 */
export function updateRowStatement(
  strapi: Core.Strapi,
  uid: string,
  id: number,
  values: Readonly<Record<string, unknown>>,
  onlyWhere: Readonly<Record<string, unknown>> = {}
): SqlStatement {
  const set = Object.entries(values).filter(([, value]) => value !== undefined);
  const conditions = Object.entries(onlyWhere);
  return {
    sql: `UPDATE ?? SET ${set.map(() => '?? = ?').join(', ')} WHERE id = ?${conditions.map(() => ' AND ?? = ?').join('')} RETURNING id`,
    bindings: [
      tableOf(strapi, uid),
      ...set.flatMap(([attribute, value]) => [columnOf(strapi, uid, attribute), value]),
      id,
      ...conditions.flatMap(([attribute, value]) => [columnOf(strapi, uid, attribute), value]),
    ],
  };
}

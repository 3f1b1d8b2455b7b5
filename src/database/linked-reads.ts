import type { Core } from '@strapi/strapi';
import { inList, runSql } from '../access/raw-sql';
import type { Row } from './row-shapes';
import type { LinkTable, MediaLinkTable } from './tables';

/**
 * Reads of what a page of entries links to, one statement per relation for the whole page: the fixed-statement
 * list reads (the course catalog, src/api/course/reads; the article list, src/blog) populate as Strapi's query engine
 * does, without its per-row work. Rows come back raw; the caller shapes them (row-shapes.ts).
 */

/** Each entry's linked rows of `target`, by entry id, in the order Strapi's populate reads them (the link order). */
export async function linkedRowsOf(
  strapi: Core.Strapi,
  link: LinkTable,
  target: string,
  entryIds: number[],
  field?: string
): Promise<Map<number, Row[]>> {
  const ids = inList(strapi, 'l.??', entryIds, 'int');
  const byField = field === undefined ? '' : 'AND l."field" = ? ';
  const order = link.orderColumn ? 'ORDER BY l.?? ASC' : '';
  const { rows } = await runSql<Row>(
    strapi,
    `SELECT l.?? AS "__entry_id", t.* FROM ?? l JOIN ?? t ON t.id = l.?? WHERE ${ids.sql} ${byField}${order}`,
    [
      link.ownColumn,
      link.table,
      target,
      link.targetColumn,
      link.ownColumn,
      ids.binding,
      ...(field === undefined ? [] : [field]),
      ...(link.orderColumn ? [link.orderColumn] : []),
    ]
  );
  const byEntry = new Map<number, Row[]>();
  for (const row of rows) {
    const id = Number(row.__entry_id);
    const linked = byEntry.get(id);
    if (linked) linked.push(row);
    else byEntry.set(id, [row]);
  }
  return byEntry;
}

/** A single media field of some entries: the entries' type, the field, and their ids. */
export interface MediaField {
  entryType: string;
  field: string;
  entryIds: number[];
}

/** The key `firstFilesOf` answers a file under. */
export const mediaKey = (entryType: string, field: string, entryId: number) => `${entryType}:${field}:${entryId}`;

/**
 * The file of each single media field asked for, keyed by `mediaKey`, in one statement for all the fields: as
 * Strapi's morph populate, the first link in the link table's order.
 */
export async function firstFilesOf(
  strapi: Core.Strapi,
  media: MediaLinkTable,
  files: string,
  fields: MediaField[]
): Promise<Map<string, Row>> {
  const wanted = fields.filter((entry) => entry.entryIds.length > 0);
  const byKey = new Map<string, Row>();
  if (wanted.length === 0) return byKey;
  const m = media;
  const clauses: string[] = [];
  const bindings: unknown[] = [m.entryIdColumn, m.entryTypeColumn, m.fieldColumn, m.table, files, m.fileColumn];
  for (const entry of wanted) {
    const ids = inList(strapi, 'm.??', entry.entryIds, 'int');
    clauses.push(`(m.?? = ? AND m.?? = ? AND ${ids.sql})`);
    bindings.push(m.entryTypeColumn, entry.entryType, m.fieldColumn, entry.field, m.entryIdColumn, ids.binding);
  }
  bindings.push(m.orderColumn);
  const { rows } = await runSql<Row>(
    strapi,
    `SELECT m.?? AS "__entry_id", m.?? AS "__entry_type", m.?? AS "__field", f.* FROM ?? m JOIN ?? f ON f.id = m.??
     WHERE ${clauses.join(' OR ')} ORDER BY m.?? ASC`,
    bindings
  );
  for (const row of rows) {
    const key = mediaKey(String(row.__entry_type), String(row.__field), Number(row.__entry_id));
    if (!byKey.has(key)) byKey.set(key, row);
  }
  return byKey;
}

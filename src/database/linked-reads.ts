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

/** One entry's row and the files of some of its media fields (raw file columns, in link order, by field). */
export interface EntryWithFiles {
  row: Row;
  files: Map<string, Row[]>;
}

const FILE_FIELD = 'lyceum_media_field';
const fileAlias = (column: string) => `lyceum_file__${column}`;

/**
 * The published row of a document in a locale, with the files of the named media fields, in one statement: what
 * Strapi's `db.query(uid).findOne({ where: { documentId, locale, publishedAt: { $notNull: true } }, populate })` reads
 * in one statement per media field (as its morph populate does: links of that field, in link order, to files that
 * exist). Null when the document has no published row in that locale. `fileColumns` are the file columns to read.
 */
export async function publishedEntryWithFiles(
  strapi: Core.Strapi,
  entry: { uid: string; table: string; documentId: string; locale: string },
  media: MediaLinkTable,
  files: { table: string; columns: string[]; fields: string[] }
): Promise<EntryWithFiles | null> {
  const m = media;
  const fileColumns = files.columns.map(() => 'f.?? AS ??').join(', ');
  const ofFields = inList(strapi, 'm.??', files.fields, 'text');
  // A file row per link (or one row of nulls): the entry's columns repeat on each, the file's come under aliases.
  const { rows } = await runSql<Row>(
    strapi,
    `SELECT e.*, m.?? AS ??, ${fileColumns}
     FROM (SELECT * FROM ?? WHERE document_id = ? AND locale = ? AND published_at IS NOT NULL LIMIT 1) e
     LEFT JOIN ?? m ON m.?? = e.id AND m.?? = ? AND ${ofFields.sql}
     LEFT JOIN ?? f ON f.id = m.??
     ORDER BY m.?? ASC`,
    [
      m.fieldColumn,
      FILE_FIELD,
      ...files.columns.flatMap((column) => [column, fileAlias(column)]),
      entry.table,
      entry.documentId,
      entry.locale,
      m.table,
      m.entryIdColumn,
      m.entryTypeColumn,
      entry.uid,
      m.fieldColumn,
      ofFields.binding,
      files.table,
      m.fileColumn,
      m.orderColumn,
    ]
  );
  if (rows.length === 0) return null;
  const byField = new Map<string, Row[]>(files.fields.map((field) => [field, []]));
  for (const row of rows) {
    // A link to a file that no longer exists is skipped, as the populate's join to the files table skips it.
    if (row[FILE_FIELD] === null || row[FILE_FIELD] === undefined || row[fileAlias('id')] == null) continue;
    const file: Row = {};
    for (const column of files.columns) file[column] = row[fileAlias(column)];
    byField.get(String(row[FILE_FIELD]))?.push(file);
  }
  return { row: rows[0], files: byField };
}

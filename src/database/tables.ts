import type { Core } from '@strapi/strapi';

/**
 * The one place that knows where a content type's rows and links are stored. Every hand-written statement and
 * knex builder names its tables through here, from Strapi's own metadata (a content type's `collectionName`, a
 * relation's link table), never by hand: on PostgreSQL the tables live in the schema `DATABASE_SCHEMA` names,
 * which need not be `public`.
 *
 * A name comes back as `schema.table` on PostgreSQL and `table` on SQLite. That one string serves both kinds of
 * caller: a `??` binding of `knex.raw` or `runSql` (each part quoted, `"schema"."table"`), and a knex builder's
 * table or join (`knex(\`${table} as e\`)`, `.join({ l: link.table }, …)`), which quotes the parts the same way.
 * Unlike `withSchema`, it also qualifies joined tables and subqueries.
 *
 * Only SQLite and PostgreSQL are served (config/database.ts refuses any other client).
 */

type Database = Core.Strapi['db'];

/** A relation's link table and its columns, for `??` bindings. */
export interface LinkTable {
  /** The link table, qualified like tableOf. */
  table: string;
  /** The column holding this side's row id. */
  ownColumn: string;
  /** The column holding the target's row id. */
  targetColumn: string;
  /** For a to-many relation, the column keeping the targets in the order staff arranged them; else null. */
  orderColumn: string | null;
}

interface JoinTableMetadata {
  name: string;
  joinColumn: { name: string };
  inverseJoinColumn: { name: string };
  orderColumnName?: string;
}

/** The PostgreSQL schema the tables live in, or null on SQLite (which has none). */
export function schemaOf(db: Database): string | null {
  if (db.dialect.client !== 'postgres') return null;
  return db.getSchemaName() || null;
}

/** A content type's table name and schema, apart: for knex's schema builder (`withSchema(schema).hasTable(name)`). */
export function tableLocation(db: Database, uid: string): { schema: string | null; name: string } {
  return { schema: schemaOf(db), name: metadataOf(db, uid).tableName };
}

/** A content type's table, qualified with the schema on PostgreSQL. */
export function tableOf(strapi: Core.Strapi, uid: string): string {
  return qualify(strapi.db, metadataOf(strapi.db, uid).tableName);
}

/**
 * A table Lyceum creates and owns itself (outside Strapi's schema sync, which drops columns it did not create), in
 * the schema the content types live in, qualified like tableOf.
 */
export function ownTableOf(strapi: Core.Strapi, name: string): string {
  return qualify(strapi.db, name);
}

/** An own table's name and schema, apart: for knex's schema builder (like tableLocation). */
export function ownTableLocation(db: Database, name: string): { schema: string | null; name: string } {
  return { schema: schemaOf(db), name };
}

/** The column behind an attribute of a content type (`ratingAverage` → `rating_average`). */
export function columnOf(strapi: Core.Strapi, uid: string, attribute: string): string {
  const field = metadataOf(strapi.db, uid).attributes[attribute] as unknown as { columnName?: string } | undefined;
  if (!field) throw new Error(`${uid} has no attribute ${attribute}`);
  return field.columnName ?? attribute;
}

/** The link table of a relation attribute, qualified like tableOf, with its columns. */
export function linkOf(strapi: Core.Strapi, uid: string, attribute: string): LinkTable {
  const field = metadataOf(strapi.db, uid).attributes[attribute] as unknown as
    { joinTable?: JoinTableMetadata } | undefined;
  const joinTable = field?.joinTable;
  if (!joinTable) throw new Error(`${uid}.${attribute} is not a relation kept in a link table`);
  return {
    table: qualify(strapi.db, joinTable.name),
    ownColumn: joinTable.joinColumn.name,
    targetColumn: joinTable.inverseJoinColumn.name,
    orderColumn: joinTable.orderColumnName ?? null,
  };
}

/** Where the upload plugin attaches files to entries: one row per entry, media field and file, in field order. */
export interface MediaLinkTable {
  /** The link table, qualified like tableOf. */
  table: string;
  fileColumn: string;
  entryIdColumn: string;
  /** The entry's content type uid. */
  entryTypeColumn: string;
  /** The media field's name on the entry. */
  fieldColumn: string;
  orderColumn: string;
}

interface MorphJoinTableMetadata {
  name: string;
  joinColumn: { name: string };
  morphColumn: { typeColumn: { name: string }; idColumn: { name: string } };
}

/** The upload plugin's morph link table (files ↔ any entry's media fields). */
export function mediaLinkOf(strapi: Core.Strapi): MediaLinkTable {
  const related = metadataOf(strapi.db, 'plugin::upload.file').attributes.related as unknown as
    { joinTable?: MorphJoinTableMetadata } | undefined;
  const joinTable = related?.joinTable;
  if (!joinTable) throw new Error('plugin::upload.file.related is not kept in a morph link table');
  return {
    table: qualify(strapi.db, joinTable.name),
    fileColumn: joinTable.joinColumn.name,
    entryIdColumn: joinTable.morphColumn.idColumn.name,
    entryTypeColumn: joinTable.morphColumn.typeColumn.name,
    // Strapi names these two columns of its morph link tables itself (database/metadata/relations.js).
    fieldColumn: 'field',
    orderColumn: 'order',
  };
}

function metadataOf(db: Database, uid: string) {
  return db.metadata.get(uid as Parameters<Database['metadata']['get']>[0]);
}

function qualify(db: Database, table: string): string {
  const schema = schemaOf(db);
  return schema ? `${schema}.${table}` : table;
}

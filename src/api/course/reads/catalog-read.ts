import type { Core } from '@strapi/strapi';
import { inList, runSql } from '../../../access/raw-sql';
import { firstFilesOf, linkedRowsOf, mediaKey } from '../../../database/linked-reads';
import { fromColumn, rowShapeOf, shapeRow, type RowShape } from '../../../database/row-shapes';
import { columnOf, linkOf, mediaLinkOf, tableOf, type MediaLinkTable } from '../../../database/tables';
import type { CatalogCondition, CatalogQuery, CatalogRelation } from './catalog-query';

/**
 * The public catalog read (GET /courses for the shapes catalog-query.ts recognises) in fixed statements: the page
 * and its count, then each populated relation of the whole page in one statement, and the teachers' public profiles
 * in one more. It answers exactly what the stock path answers (same fields, values, nulls, order and
 * meta.pagination; tests/integration/course-catalog-reads.test.ts compares both on each shape): the document
 * service spent most of a catalog request building and populating queries and the controller sanitising rows whose
 * shape is known in advance (issue 24: 51 ms against 9-11 ms of SQL for one page under load).
 */

const COURSE = 'api::course.course';
const CATEGORY = 'api::category.category';
const FILE = 'plugin::upload.file';
const USER = 'plugin::users-permissions.user';

type Row = Record<string, unknown>;

interface Statements {
  course: RowShape;
  category: RowShape;
  file: RowShape;
  courses: string;
  categories: string;
  files: string;
  users: string;
  categoryLink: ReturnType<typeof linkOf>;
  teacherLink: ReturnType<typeof linkOf>;
  media: MediaLinkTable;
  column: (attribute: string) => string;
}

let prepared: { strapi: Core.Strapi; statements: Statements | null } | undefined;

/** The shapes and table names, worked out once per Strapi instance (the schema does not change while it runs). */
function statementsFor(strapi: Core.Strapi): Statements | null {
  if (prepared?.strapi === strapi) return prepared.statements;
  const course = rowShapeOf(strapi, COURSE);
  const category = rowShapeOf(strapi, CATEGORY);
  const file = rowShapeOf(strapi, FILE);
  const statements =
    course && category && file
      ? {
          course,
          category,
          file,
          courses: tableOf(strapi, COURSE),
          categories: tableOf(strapi, CATEGORY),
          files: tableOf(strapi, FILE),
          users: tableOf(strapi, USER),
          categoryLink: linkOf(strapi, COURSE, 'category'),
          teacherLink: linkOf(strapi, COURSE, 'teachers'),
          media: mediaLinkOf(strapi),
          column: (attribute: string) => columnOf(strapi, COURSE, attribute),
        }
      : null;
  prepared = { strapi, statements };
  return statements;
}

/** Whether this reader can answer for this Strapi (its schema has only types it converts). */
export const canReadCatalog = (strapi: Core.Strapi): boolean => statementsFor(strapi) !== null;

function whereOf(s: Statements, locale: string, conditions: CatalogCondition[]) {
  const clauses = ['c.published_at IS NOT NULL', 'c.locale = ?'];
  const bindings: unknown[] = [locale];
  for (const condition of conditions) {
    if (condition.kind === 'field') {
      clauses.push(`c.?? ${condition.operator} ?`);
      bindings.push(s.column(condition.attribute), condition.value);
    } else {
      // As the stock relational filter: a course whose linked category (any locale, as linked) matches.
      clauses.push(`c.id IN (SELECT l.?? FROM ?? l JOIN ?? g ON g.id = l.?? WHERE g.?? = ?)`);
      bindings.push(
        s.categoryLink.ownColumn,
        s.categoryLink.table,
        s.categories,
        s.categoryLink.targetColumn,
        condition.attribute === 'slug' ? 'slug' : 'document_id',
        condition.value
      );
    }
  }
  return { sql: clauses.join(' AND '), bindings };
}

async function categoriesOf(strapi: Core.Strapi, s: Statements, courseIds: number[]): Promise<Map<number, Row>> {
  const linked = await linkedRowsOf(strapi, s.categoryLink, s.categories, courseIds);
  const byCourse = new Map<number, Row>();
  for (const [courseId, rows] of linked) byCourse.set(courseId, shapeRow(s.category, rows[rows.length - 1]));
  return byCourse;
}

/** Single media of `field` on rows of `relatedType`, by row id, as file rows (the first in the link table's order). */
async function mediaOf(
  strapi: Core.Strapi,
  s: Statements,
  relatedType: string,
  field: string,
  relatedIds: number[]
): Promise<Map<number, Row>> {
  const files = await firstFilesOf(strapi, s.media, s.files, [{ entryType: relatedType, field, entryIds: relatedIds }]);
  const byRelated = new Map<number, Row>();
  for (const id of relatedIds) {
    const file = files.get(mediaKey(relatedType, field, id));
    if (file) byRelated.set(id, file);
  }
  return byRelated;
}

/**
 * The public teacher profiles of each course, by documentId: as attachTeacherProfiles (../profiles), the teachers
 * of every published row of the document, each once, in link order.
 */
async function teacherProfilesOf(
  strapi: Core.Strapi,
  s: Statements,
  documentIds: string[]
): Promise<Map<string, Row[]>> {
  const documents = inList(strapi, 'c.document_id', documentIds, 'text');
  const link = s.teacherLink;
  const { rows } = await runSql<Row>(
    strapi,
    `SELECT c.document_id AS "course_document_id", u.id, u.document_id, u.username, u.full_name, u.bio
     FROM ?? c JOIN ?? l ON l.?? = c.id JOIN ?? u ON u.id = l.??
     WHERE ${documents.sql} AND c.published_at IS NOT NULL
     ORDER BY c.id ASC, l.?? ASC`,
    [s.courses, link.table, link.ownColumn, s.users, link.targetColumn, documents.binding, link.orderColumn ?? 'id']
  );
  const userIds = [...new Set(rows.map((row) => Number(row.id)))];
  const avatars = userIds.length ? await mediaOf(strapi, s, USER, 'avatar', userIds) : new Map<number, Row>();
  const byCourse = new Map<string, Map<number, Row>>();
  for (const row of rows) {
    const courseId = row.course_document_id as string;
    const teachers = byCourse.get(courseId) ?? new Map<number, Row>();
    const id = Number(row.id);
    const avatar = avatars.get(id);
    if (!teachers.has(id))
      teachers.set(id, {
        id,
        documentId: row.document_id,
        username: fromColumn('string', row.username),
        fullName: fromColumn('string', row.full_name),
        bio: fromColumn('text', row.bio),
        avatar: avatar
          ? {
              url: fromColumn('string', avatar.url),
              formats: fromColumn('json', avatar.formats),
              alternativeText: fromColumn('string', avatar.alternative_text),
            }
          : null,
      });
    byCourse.set(courseId, teachers);
  }
  return new Map([...byCourse].map(([courseId, teachers]) => [courseId, [...teachers.values()]]));
}

export interface CatalogPage {
  data: Row[];
  meta: { pagination: { page: number; pageSize: number; pageCount: number; total: number } };
}

export interface CatalogReadOptions {
  /** The relations the caller may see (the stock read drops a relation whose type the caller may not `find`). */
  populate: CatalogRelation[];
  withTeacherProfiles: boolean;
  /** False when the caller shows no page count (GraphQL's `courses`): the count statement is then not run. */
  countsTotal?: boolean;
}

/** One catalog page, as GET /courses answers it. Null when this Strapi's schema is not one this reader shapes. */
export async function readCatalogPage(
  strapi: Core.Strapi,
  query: CatalogQuery,
  options: CatalogReadOptions
): Promise<CatalogPage | null> {
  const s = statementsFor(strapi);
  if (!s) return null;
  const locale =
    query.locale ?? ((await strapi.plugin('i18n').service('locales').getDefaultLocale()) as string | undefined);
  if (!locale) return null;
  const where = whereOf(s, locale, query.conditions);
  const order = [...query.sort.map((entry) => `c.?? ${entry.direction.toUpperCase()}`), 'c.id ASC'].join(', ');
  const [page, count] = await Promise.all([
    runSql<Row>(strapi, `SELECT c.* FROM ?? c WHERE ${where.sql} ORDER BY ${order} LIMIT ? OFFSET ?`, [
      s.courses,
      ...where.bindings,
      ...query.sort.map((entry) => s.column(entry.attribute)),
      query.pageSize,
      (query.page - 1) * query.pageSize,
    ]),
    options.countsTotal === false
      ? { rows: [] as Array<{ count: number | string }> }
      : runSql<{ count: number | string }>(strapi, `SELECT COUNT(*) AS "count" FROM ?? c WHERE ${where.sql}`, [
          s.courses,
          ...where.bindings,
        ]),
  ]);
  const total = Number(count.rows[0]?.count ?? 0);
  const courseIds = page.rows.map((row) => Number(row.id));
  const documentIds = [...new Set(page.rows.map((row) => row.document_id as string))];
  const hasRows = courseIds.length > 0;
  const [categories, covers, teachers] = await Promise.all([
    hasRows && options.populate.includes('category') ? categoriesOf(strapi, s, courseIds) : new Map<number, Row>(),
    hasRows && options.populate.includes('cover')
      ? mediaOf(strapi, s, COURSE, 'cover', courseIds)
      : new Map<number, Row>(),
    hasRows && options.withTeacherProfiles ? teacherProfilesOf(strapi, s, documentIds) : new Map<string, Row[]>(),
  ]);
  const data = page.rows.map((row) => {
    const course = shapeRow(s.course, row);
    const id = Number(row.id);
    for (const relation of options.populate) {
      if (relation === 'category') course.category = categories.get(id) ?? null;
      else {
        const cover = covers.get(id);
        course.cover = cover ? shapeRow(s.file, cover) : null;
      }
    }
    if (options.withTeacherProfiles) course.teachers = teachers.get(row.document_id as string) ?? [];
    return course;
  });
  return {
    data,
    meta: {
      pagination: {
        page: query.page,
        pageSize: query.pageSize,
        pageCount: Math.ceil(total / query.pageSize),
        total,
      },
    },
  };
}

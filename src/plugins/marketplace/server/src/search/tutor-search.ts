import type { Core } from '@strapi/strapi';
import { columnOf } from '../../../../../database/tables';
import {
  ANY_LOCALE,
  FIND_DOCUMENTS_MAX,
  findDocumentIds,
  plainText,
  type SearchDocument,
  type SearchType,
} from '../../../../search/server/src/facade';
import { inKnex, marketplaceTables, stringArray, TAG, TUTOR_PROFILE, USER } from '../queries/marketplace-tables';

export const TUTOR_SEARCH_TYPE = 'tutor';

/** Profiles of active accounts (a blocked account is nobody's tutor): the rebuild's walk and `load` alike. */
function visibleProfiles(strapi: Core.Strapi, knex: any) {
  const tables = marketplaceTables(strapi);
  const blocked = columnOf(strapi, USER, 'blocked');
  return knex(`${tables.profiles} as p`)
    .join(`${tables.users} as u`, 'u.id', 'p.user_id')
    .where((inner: any) => inner.where(`u.${blocked}`, false).orWhereNull(`u.${blocked}`));
}

/**
 * Tutors in search (`type=tutor`): the name and headline are the title, the subjects' names, languages and the bio
 * the text. A tutor has no locale (ANY_LOCALE). The document is made again by the `search.index` job of every write
 * of the profile through the document service (`PUT /me/tutor-profile`).
 */
export const tutorSearch: SearchType = {
  type: TUTOR_SEARCH_TYPE,
  uid: TUTOR_PROFILE,
  async load(strapi, documentIds) {
    if (documentIds.length === 0) return [];
    const fullName = columnOf(strapi, USER, 'fullName');
    const bio = columnOf(strapi, USER, 'bio');
    // Made inside the index's transaction (SQLite has one connection): through it, never beside it.
    const rows = await inKnex(strapi, (knex) =>
      visibleProfiles(strapi, knex)
        .whereIn('p.document_id', documentIds)
        .select({
          documentId: 'p.document_id',
          userId: 'p.user_id',
          headline: 'p.headline',
          subjects: 'p.subjects',
          languages: 'p.languages',
          updatedAt: 'p.updated_at',
          username: 'u.username',
          fullName: `u.${fullName}`,
          bio: `u.${bio}`,
        })
    );
    const tagIds = [...new Set(rows.flatMap((row: any) => stringArray(row.subjects)))];
    const tags = tagIds.length
      ? await strapi.db.query(TAG).findMany({ where: { documentId: { $in: tagIds } }, select: ['documentId', 'name'] })
      : [];
    const tagName = new Map(tags.map((tag: { documentId: string; name: string }) => [tag.documentId, tag.name]));
    return rows.map((row: any): SearchDocument => {
      const name = row.fullName || row.username;
      return {
        type: TUTOR_SEARCH_TYPE,
        documentId: row.documentId,
        locale: ANY_LOCALE,
        title: row.headline ? `${name}: ${row.headline}` : name,
        body: [
          stringArray(row.subjects)
            .map((id) => tagName.get(id))
            .filter(Boolean)
            .join(', '),
          stringArray(row.languages).join(' '),
          plainText(row.bio ?? ''),
        ]
          .filter(Boolean)
          .join('. '),
        url: `/tutors/${row.userId}`,
        category: null,
        level: null,
        price: null,
        courseDocumentId: null,
        publishedAt: new Date(row.updatedAt ?? 0).getTime() || 0,
      };
    });
  },
  async candidates(strapi, after, limit) {
    const rows = await inKnex(strapi, (knex) => {
      const query = visibleProfiles(strapi, knex).select('p.document_id').orderBy('p.document_id').limit(limit);
      if (after !== null) query.where('p.document_id', '>', after);
      return query;
    });
    return rows.map((row: { document_id: string }) => row.document_id);
  },
  async countCandidates(strapi) {
    const [row] = await inKnex(strapi, (knex) => visibleProfiles(strapi, knex).count({ count: '*' }));
    return Number((row as { count: number | string }).count);
  },
};

/** The user ids of the tutors matching `q`, best first (search's own ranking, its best FIND_DOCUMENTS_MAX hits). */
export async function searchTutorUserIds(strapi: Core.Strapi, q: string): Promise<number[]> {
  const documentIds = await findDocumentIds(strapi, { q, type: TUTOR_SEARCH_TYPE, limit: FIND_DOCUMENTS_MAX });
  if (documentIds.length === 0) return [];
  const rows = await inKnex(strapi, (knex) =>
    knex(marketplaceTables(strapi).profiles).whereIn('document_id', documentIds).select('document_id', 'user_id')
  );
  const userOf = new Map<string, number>(rows.map((row: any) => [row.document_id, Number(row.user_id)]));
  return documentIds.flatMap((documentId) => (userOf.has(documentId) ? [userOf.get(documentId)!] : []));
}

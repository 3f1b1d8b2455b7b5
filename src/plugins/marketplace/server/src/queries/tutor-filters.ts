import type { Core } from '@strapi/strapi';
import type { Caller } from '../../../../../access/roles';
import { columnOf } from '../../../../../database/tables';
import { profileVisibleSql } from '../../../../account/server/src/facade';
import { USER, inKnex, marketplaceTables, PROFILE_COLUMNS, type TutorProfileRow } from './marketplace-tables';

/** What the tutor list and matching filter on; every field optional. */
export interface TutorFilters {
  /** Tutors teaching any of these subjects (tag documentIds). */
  subjects?: string[];
  /** Tutors speaking any of these languages (ISO 639-1). */
  languages?: string[];
  /** Hourly rate at most this, in the major unit of the tutor's own currency. */
  priceMax?: number;
  ratingMin?: number;
  /** Only these tutors (user ids), e.g. the hits of a search. */
  userIds?: number[];
}

/**
 * Which tutor profiles `viewer` may see: profiles of active (not blocked) accounts whose owner's privacy setting
 * lets the viewer see them (account plugin: "private" → the owner and staff only, "members" → signed-in callers).
 * Every list, profile, review list and match goes through this one filter.
 */
export function visibleTutorFilter(strapi: Core.Strapi, viewer: Caller): (query: any) => void {
  const blocked = columnOf(strapi, USER, 'blocked');
  const { users } = marketplaceTables(strapi);
  const visible = profileVisibleSql(strapi, viewer, 'p.user_id');
  return (query) =>
    query
      .whereExists(function (this: any) {
        this.select(1)
          .from(`${users} as vu`)
          .whereRaw('?? = ??', ['vu.id', 'p.user_id'])
          .where((inner: any) => inner.where(`vu.${blocked}`, false).orWhereNull(`vu.${blocked}`));
      })
      .whereRaw(visible.sql, visible.bindings);
}

/**
 * The knex builder of visible tutor profiles (alias `p`) matching the filters: the one query the tutor list and
 * the tasks' matching start from. Subject and language filters are index look-ups in their own tables.
 */
export function tutorProfilesQuery(strapi: Core.Strapi, knex: any, viewer: Caller, filters: TutorFilters) {
  const tables = marketplaceTables(strapi);
  const query = knex(`${tables.profiles} as p`);
  visibleTutorFilter(strapi, viewer)(query);
  if (filters.subjects?.length) {
    query.whereExists(function (this: any) {
      this.select(1)
        .from(`${tables.subjects} as ts`)
        .whereRaw('?? = ??', ['ts.user_id', 'p.user_id'])
        .whereIn('ts.tag_document_id', filters.subjects);
    });
  }
  if (filters.languages?.length) {
    query.whereExists(function (this: any) {
      this.select(1)
        .from(`${tables.languages} as tl`)
        .whereRaw('?? = ??', ['tl.user_id', 'p.user_id'])
        .whereIn('tl.language', filters.languages);
    });
  }
  if (filters.priceMax !== undefined) query.where('p.hourly_rate', '<=', filters.priceMax);
  if (filters.ratingMin !== undefined) query.where('p.rating_average', '>=', filters.ratingMin);
  if (filters.userIds) query.whereIn('p.user_id', filters.userIds.length ? filters.userIds : [0]);
  return query;
}

/** Profile rows (raw columns, see TutorProfileRow) of visible tutors matching the filters, best rated first. */
export async function tutorProfilesFor(
  strapi: Core.Strapi,
  filters: TutorFilters,
  options: { viewer?: Caller; limit?: number } = {}
): Promise<TutorProfileRow[]> {
  const viewer = options.viewer ?? { userId: null, role: 'public' };
  return inKnex(strapi, (knex) =>
    tutorProfilesQuery(strapi, knex, viewer, filters)
      .select(PROFILE_COLUMNS.map((column) => `p.${column}`))
      .orderBy([
        { column: 'p.rating_average', order: 'desc' },
        { column: 'p.user_id', order: 'asc' },
      ])
      .limit(options.limit ?? 1000)
  );
}

import type { Core } from '@strapi/strapi';
import { tableOf } from '../../../../../database/tables';

export const TUTOR_PROFILE = 'plugin::marketplace.tutor-profile';
export const TUTOR_SUBJECT = 'plugin::marketplace.tutor-subject';
export const TUTOR_LANGUAGE = 'plugin::marketplace.tutor-language';
export const TUTOR_REVIEW = 'plugin::marketplace.tutor-review';
export const TAG = 'api::tag.tag';
export const USER = 'plugin::users-permissions.user';
export const COURSE = 'api::course.course';

/**
 * The marketplace's tables by their content types' metadata (src/database/tables.ts), for this plugin's knex
 * builders. Their columns are the attributes in snake case (`user_id`, `tag_document_id`, `rating_average`…):
 * tutors and authors are plain integer user ids rather than link tables, so a filter or a rating update touches
 * one table each. Subjects and languages have a row per value (tutor_subjects, tutor_languages) so the list's and
 * matching's filters are index look-ups; the profile also keeps them as JSON arrays in the order the tutor gave.
 */
export function marketplaceTables(strapi: Core.Strapi) {
  return {
    profiles: tableOf(strapi, TUTOR_PROFILE),
    subjects: tableOf(strapi, TUTOR_SUBJECT),
    languages: tableOf(strapi, TUTOR_LANGUAGE),
    reviews: tableOf(strapi, TUTOR_REVIEW),
    users: tableOf(strapi, USER),
  };
}

export type MarketplaceTables = ReturnType<typeof marketplaceTables>;

/** The knex instance: the transaction's when inside `strapi.db.transaction`, so SQLite's one connection is shared. */
// Rows come back untyped from knex: callers read the columns they selected.
export async function inKnex(strapi: Core.Strapi, work: (knex: any) => unknown): Promise<any> {
  if (strapi.db.inTransaction()) return strapi.db.transaction(({ trx }) => work(trx));
  return work(strapi.db.connection);
}

/** A tutor profile's row as the rules read it (raw columns of tutor_profiles). */
export interface TutorProfileRow {
  id: number;
  document_id: string;
  user_id: number;
  headline: string | null;
  subjects: unknown;
  experience_years: number | null;
  hourly_rate: number | string | null;
  currency: string | null;
  languages: unknown;
  rating_sum: number | string | null;
  rating_count: number | string | null;
  rating_average: number | string | null;
  last_active_at: unknown;
  updated_at: unknown;
}

export const PROFILE_COLUMNS = [
  'id',
  'document_id',
  'user_id',
  'headline',
  'subjects',
  'experience_years',
  'hourly_rate',
  'currency',
  'languages',
  'rating_sum',
  'rating_count',
  'rating_average',
  'last_active_at',
  'updated_at',
];

/** A JSON column as an array of strings (SQLite hands back text, PostgreSQL parsed JSON). */
export function stringArray(value: unknown): string[] {
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      return [];
    }
  }
  return Array.isArray(parsed) ? parsed.filter((item): item is string => typeof item === 'string') : [];
}

import type { Core } from '@strapi/strapi';

/**
 * The generated ("shadow CRUD") schema serves only the public catalog, read-only. Everything else goes
 * through Lyceum's own operations (learning.ts), which call the same plugin services as REST, because the
 * generated resolvers call the document service directly: REST route policies and controller rules
 * (ownership on writes, members-only quizzes, the teacher profile filter) would not run for them.
 */
export const CATALOG = [
  'api::course.course',
  'api::lesson.lesson',
  'api::category.category',
  'api::tag.tag',
  'api::article.article',
  'api::article-category.article-category',
  'api::announcement.announcement',
];

/** Plugins whose own GraphQL parts stay as they ship (permission-checked and sanitised by themselves). */
const OWN_GRAPHQL = ['plugin::users-permissions.', 'plugin::upload.', 'plugin::i18n.'];

export function restrictShadowCrud(strapi: Core.Strapi, extension: any) {
  for (const uid of Object.keys(strapi.contentTypes)) {
    if (CATALOG.includes(uid)) {
      extension.shadowCRUD(uid).disableMutations();
    } else if (
      uid.startsWith('api::') ||
      (uid.startsWith('plugin::') && !OWN_GRAPHQL.some((prefix) => uid.startsWith(prefix)))
    ) {
      extension.shadowCRUD(uid).disable();
    }
  }
  // Relations that would reach members-only content or raw user records from the catalog.
  extension.shadowCRUD('api::course.course').field('teachers').disable();
  for (const field of ['quizzes', 'assignments']) extension.shadowCRUD('api::course.course').field(field).disable();
  extension.shadowCRUD('api::lesson.lesson').field('quizzes').disable();
  // A file's `related` entries are of any type (a submission, a user's avatar): from a public course cover it
  // would reach records the catalog never shows.
  extension.shadowCRUD('plugin::upload.file').field('related').disable();
}

import type { Core } from '@strapi/strapi';
import { indexAfterWrite } from '../../../search/server/src/facade';
import {
  inKnex,
  marketplaceTables,
  stringArray,
  TUTOR_PROFILE,
  type TutorProfileRow,
} from './queries/marketplace-tables';

/**
 * A user's marketplace data for privacy (src/privacy, contract "Trust and privacy"). The marketplace tables name
 * users by integer columns (`user_id`, `tutor_id`, `author_id`) rather than by relations, so the privacy module's
 * discovery by relation does not see them: it asks here.
 */

export interface MarketplacePersonalData {
  /** `tutor-profile.json` (with subjects and languages), `tutor-review.json` (written and received). */
  documents: Record<string, unknown>;
}

export async function collectMarketplaceData(strapi: Core.Strapi, userId: number): Promise<MarketplacePersonalData> {
  const tables = marketplaceTables(strapi);
  const profile: (TutorProfileRow & Record<string, unknown>) | undefined = await inKnex(strapi, (knex) =>
    knex(tables.profiles).where('user_id', userId).first()
  );
  const reviews = await inKnex(strapi, (knex) =>
    knex(tables.reviews)
      .where('author_id', userId)
      .orWhere('tutor_id', userId)
      .orderBy('id')
      .select('id', 'document_id', 'tutor_id', 'author_id', 'rating', 'body', 'created_at', 'updated_at')
  );
  return {
    documents: {
      'tutor-profile.json': profile
        ? [
            {
              documentId: profile.document_id,
              headline: profile.headline,
              subjects: stringArray(profile.subjects),
              experienceYears: profile.experience_years,
              hourlyRate: profile.hourly_rate,
              currency: profile.currency,
              languages: stringArray(profile.languages),
              ratingCount: profile.rating_count,
              lastActiveAt: profile.last_active_at,
              updatedAt: profile.updated_at,
            },
          ]
        : [],
      'tutor-review.json': (reviews as any[]).map((review) => ({
        documentId: review.document_id,
        direction: Number(review.author_id) === userId ? 'written' : 'received',
        tutorId: review.tutor_id,
        rating: review.rating,
        body: review.body,
        createdAt: review.created_at,
      })),
    },
  };
}

/**
 * The marketplace part of a user's erasure, in the erasure's transaction: their tutor profile (with its subjects,
 * languages and the reviews it received) is deleted and dropped from search; the reviews they wrote stay, counted in
 * their tutors' ratings, shown as "Deleted user" (the author column emptied).
 */
export async function eraseMarketplaceDataOf(strapi: Core.Strapi, userId: number): Promise<void> {
  const tables = marketplaceTables(strapi);
  const profile = await strapi.db
    .query(TUTOR_PROFILE as any)
    .findOne({ where: { userId }, select: ['id', 'documentId'] });
  if (profile) {
    await strapi.db.query(TUTOR_PROFILE as any).delete({ where: { id: profile.id } });
    await indexAfterWrite(strapi, TUTOR_PROFILE, profile.documentId);
  }
  await inKnex(strapi, async (knex) => {
    await knex(tables.subjects).where('user_id', userId).delete();
    await knex(tables.languages).where('user_id', userId).delete();
    await knex(tables.reviews).where('tutor_id', userId).delete();
    await knex(tables.reviews).where('author_id', userId).update({ author_id: null });
  });
}

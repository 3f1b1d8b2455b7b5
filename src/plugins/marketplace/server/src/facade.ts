import type { Core } from '@strapi/strapi';
import type tutorProfilesService from './services/tutor-profiles';
import type tutorReviewsService from './services/tutor-reviews';

/**
 * What the marketplace plugin offers the app (and its own features: tutors, reviews, tasks): the tables, the tutor
 * query the list and matching share, and the "verified client" rule reviews ask.
 */
export {
  TUTOR_PROFILE,
  TUTOR_SUBJECT,
  TUTOR_LANGUAGE,
  TUTOR_REVIEW,
  marketplaceTables,
  stringArray,
  type MarketplaceTables,
  type TutorProfileRow,
} from './queries/marketplace-tables';
export { tutorProfilesFor, tutorProfilesQuery, visibleTutorFilter, type TutorFilters } from './queries/tutor-filters';
export { isClientOf, CLIENT_EVIDENCE, type ClientEvidence } from './services/clients';
export { collectMarketplaceData, eraseMarketplaceDataOf, type MarketplacePersonalData } from './personal-data';

type TutorProfilesService = ReturnType<typeof tutorProfilesService>;
type TutorReviewsService = ReturnType<typeof tutorReviewsService>;

/** Tutor profiles as the routes use them (the demo data saves profiles through the same service). */
export type TutorProfiles = Pick<TutorProfilesService, 'upsert' | 'list' | 'show' | 'findRow' | 'touch'>;
/** Tutor reviews: `create` with the rules; `record` as the server (demo data, bench seed). */
export type TutorReviews = Pick<TutorReviewsService, 'create' | 'record' | 'list' | 'best'>;

export const tutorProfiles = (strapi: Core.Strapi): TutorProfiles =>
  strapi.plugin('marketplace').service('tutor-profiles') as TutorProfilesService;
export const tutorReviews = (strapi: Core.Strapi): TutorReviews =>
  strapi.plugin('marketplace').service('tutor-reviews') as TutorReviewsService;

export { parseTutorProfileInput, parseTutorReviewInput, type TutorProfileInput } from './rules/profile-input';
export { ratingAverageOf } from './services/tutor-profiles';

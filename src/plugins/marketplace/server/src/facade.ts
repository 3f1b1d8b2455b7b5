import type { Core } from '@strapi/strapi';
import type matchingService from './tasks/services/matching';
import type tasksService from './tasks/services/tasks';
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
export { collectTaskData, eraseTaskDataOf, type TaskPersonalData } from './tasks/personal-data';
export { OFFER_FIELDS, TASK_FIELDS, parseOfferInput, parseTaskInput, type TaskInput } from './tasks/rules/task-input';
export { matchesLimitParam, openParam } from './tasks/rules/params';

type TasksService = ReturnType<typeof tasksService>;
type MatchingService = ReturnType<typeof matchingService>;
/** Task requests as the app uses them besides REST (GraphQL, the demo data): the same services, the same rules. */
export type TaskRequests = Pick<TasksService, 'create' | 'list' | 'show' | 'offer' | 'accept' | 'complete' | 'cancel'>;
export type TaskMatching = Pick<MatchingService, 'matches'>;
export const taskRequests = (strapi: Core.Strapi): TaskRequests =>
  strapi.plugin('marketplace').service('tasks') as TasksService;
export const taskMatching = (strapi: Core.Strapi): TaskMatching =>
  strapi.plugin('marketplace').service('matching') as MatchingService;
export { collectMarketplaceData, eraseMarketplaceDataOf, type MarketplacePersonalData } from './personal-data';

type TutorProfilesService = ReturnType<typeof tutorProfilesService>;
type TutorReviewsService = ReturnType<typeof tutorReviewsService>;

/** Tutor profiles as the routes use them (the demo data saves profiles through the same service). */
export type TutorProfiles = Pick<TutorProfilesService, 'upsert' | 'list' | 'show' | 'findRow'>;
/** Tutor reviews: `create` with the rules; `record` as the server (demo data, bench seed). */
export type TutorReviews = Pick<TutorReviewsService, 'create' | 'record' | 'list' | 'best'>;

export const tutorProfiles = (strapi: Core.Strapi): TutorProfiles =>
  strapi.plugin('marketplace').service('tutor-profiles') as TutorProfilesService;
export const tutorReviews = (strapi: Core.Strapi): TutorReviews =>
  strapi.plugin('marketplace').service('tutor-reviews') as TutorReviewsService;

export { parseTutorProfileInput, parseTutorReviewInput, type TutorProfileInput } from './rules/profile-input';
export { ratingAverageOf } from './services/tutor-profiles';

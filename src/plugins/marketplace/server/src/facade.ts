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

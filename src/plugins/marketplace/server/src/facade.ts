import type { Core } from '@strapi/strapi';
import type tasksService from './tasks/services/tasks';

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
export type { TaskInput } from './tasks/rules/task-input';

type TasksService = ReturnType<typeof tasksService>;
/** Task requests as the app uses them outside HTTP (the demo data): posting one as a student. */
export type TaskRequests = Pick<TasksService, 'create'>;
export const taskRequests = (strapi: Core.Strapi): TaskRequests =>
  strapi.plugin('marketplace').service('tasks') as TasksService;

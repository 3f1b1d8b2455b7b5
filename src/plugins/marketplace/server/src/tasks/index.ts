import type { Core } from '@strapi/strapi';
import { provideContactSource } from '../../../../messaging/server/src/facade';
import taskSchema from '../content-types/task/schema.json';
import taskOfferSchema from '../content-types/task-offer/schema.json';
import tasksController from './controllers/tasks';
import { taskRoutes } from './routes';
import matching from './services/matching';
import tasks from './services/tasks';

/**
 * Task requests, offers and matching (issue 26 item 3), the marketplace's second half beside the tutor profiles:
 * its content types, services, controller and routes, merged into the plugin by server/src/index.ts.
 */
export const taskContentTypes = {
  task: { schema: taskSchema },
  'task-offer': { schema: taskOfferSchema },
};
export const taskServices = { tasks, matching };
export const taskControllers = { tasks: tasksController };
export { taskRoutes };

/** An accepted offer makes the student and the tutor contacts: messaging asks the marketplace through its port. */
export function registerTaskContacts(strapi: Core.Strapi): void {
  provideContactSource(strapi, {
    name: 'marketplace',
    areContacts: (userId, otherUserId) =>
      strapi.plugin('marketplace').service('tasks').areJoinedByAcceptedOffer(userId, otherUserId),
  });
}

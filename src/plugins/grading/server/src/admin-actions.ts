import type { Core } from '@strapi/strapi';
import { LMS_PAGE_ACTIONS } from '../../../../access/admin-route';

/**
 * The grading plugin's admin-panel actions (grading queue, quiz preview; see routes/admin-routes.ts). Registered
 * in the plugin's bootstrap, before the admin resets the Super Admin's permissions (which then include them)
 * and before the app's bootstrap gives them to the Teacher role.
 */
export async function registerAdminActions(strapi: Core.Strapi): Promise<void> {
  await strapi
    .service('admin::permission')
    .actionProvider.registerMany([
      LMS_PAGE_ACTIONS.gradingQueue.registration,
      LMS_PAGE_ACTIONS.quizPreview.registration,
    ]);
}

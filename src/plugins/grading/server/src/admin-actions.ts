import type { Core } from '@strapi/strapi';

/**
 * The grading plugin's admin-panel actions, ids `plugin::grading.queue.grade` and `plugin::grading.quiz.preview`
 * (see routes/admin-routes.ts). Registered in the plugin's bootstrap, before the admin resets the Super Admin's
 * permissions (which then include them) and before the app's bootstrap gives them to the Teacher role.
 */
export const ADMIN_ACTIONS = [
  { section: 'plugins', displayName: 'Grade submissions', uid: 'queue.grade', pluginName: 'grading' },
  { section: 'plugins', displayName: 'Preview quizzes', uid: 'quiz.preview', pluginName: 'grading' },
];

export async function registerAdminActions(strapi: Core.Strapi): Promise<void> {
  await strapi.service('admin::permission').actionProvider.registerMany(ADMIN_ACTIONS);
}

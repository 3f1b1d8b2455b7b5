import type { Core } from '@strapi/strapi';
import { LMS_PAGE_ACTIONS } from '../../../../access/admin-route';
import schema from './content-types/lesson-progress/schema.json';
import adminInsightsController from './controllers/admin-insights';
import progressController from './controllers/progress';
import routes from './routes';
import courseInsights from './services/course-insights';
import progress from './services/progress';

export default {
  contentTypes: { 'lesson-progress': { schema } },
  services: { progress, 'course-insights': courseInsights },
  controllers: { progress: progressController, 'admin-insights': adminInsightsController },
  routes,
  async register({ strapi }: { strapi: Core.Strapi }) {
    await strapi.service('admin::permission').actionProvider.registerMany([LMS_PAGE_ACTIONS.insights.registration]);
  },
};

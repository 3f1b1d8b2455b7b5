import type { Core } from '@strapi/strapi';
import { LMS_PAGE_ACTIONS } from '../../../../access/admin-route';
import adminLessonVideoController from './controllers/admin-lesson-video';
import routes from './routes';
import lessonVideo from './services/lesson-video';

/**
 * Video in the admin panel: the "Lesson video" panel of the lesson edit view (conversion status, duration, poster,
 * retry of a failed conversion). The assets, their conversion and playback are the core's (src/media); this plugin
 * only shows them to the staff of the lesson's course, as the audit plugin shows src/audit.
 */
export default {
  services: { 'lesson-video': lessonVideo },
  controllers: { 'admin-lesson-video': adminLessonVideoController },
  routes,
  async register({ strapi }: { strapi: Core.Strapi }) {
    await strapi.service('admin::permission').actionProvider.registerMany([LMS_PAGE_ACTIONS.lessonVideo.registration]);
  },
};

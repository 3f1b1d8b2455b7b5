import announcementsController from './controllers/announcements';
import favoritesController from './controllers/favorites';
import feedbackController from './controllers/feedback';
import reviewsController from './controllers/reviews';
import teachersController from './controllers/teachers';
import type { Core } from '@strapi/strapi';
import routes from './routes';
import announcements from './services/announcements';
import favorites from './services/favorites';
import feedback from './services/feedback';
import reviews from './services/reviews';
import teachers from './services/teachers';

/**
 * Reviews, teacher profiles, course news, favorite lessons and the contact form. The records live in the
 * app's content types (review, announcement, favorite, feedback), which have no public core routes of
 * their own for reviews, favorites and feedback: these routes are the only way in.
 */
export default {
  services: { reviews, teachers, announcements, favorites, feedback },
  controllers: {
    reviews: reviewsController,
    teachers: teachersController,
    announcements: announcementsController,
    favorites: favoritesController,
    feedback: feedbackController,
  },
  routes,
  async bootstrap({ strapi }: { strapi: Core.Strapi }) {
    await strapi.plugin('community').service('reviews').backfillCourseDocumentIds();
  },
};

import type { Core } from '@strapi/strapi';
import type announcementsService from './services/announcements';
import type reviewsService from './services/reviews';

/**
 * What the community plugin offers the app: course news reaching a course's students (the announcement content
 * type's admin writes), and reviews (GraphQL). Community reads enrollments through the enrollment facade.
 */

export { parseReviewInput, type ReviewInput } from './rules/review-input';

type AnnouncementsService = ReturnType<typeof announcementsService>;
type ReviewsService = ReturnType<typeof reviewsService>;

export type Announcements = Pick<AnnouncementsService, 'announce'>;
export type Reviews = Pick<ReviewsService, 'create'>;

export const announcements = (strapi: Core.Strapi): Announcements =>
  strapi.plugin('community').service('announcements') as AnnouncementsService;

export const reviews = (strapi: Core.Strapi): Reviews =>
  strapi.plugin('community').service('reviews') as ReviewsService;

import { limitPerIp, limitSetting } from '../../../../../access/rate-limit';

// The contact form is public and emails every admin: a few messages per visitor per ten minutes.
const feedbackLimit = limitPerIp('feedback', limitSetting(process.env.RATE_LIMIT_FEEDBACK_PER_IP, 5), 10 * 60);

// Served at the contract's paths rather than under /api/community.
const route = (method: string, path: string, handler: string, middlewares: unknown[] = []) => ({
  method,
  path,
  handler,
  config: { prefix: '', middlewares },
});

export default {
  'content-api': {
    type: 'content-api',
    routes: [
      route('GET', '/courses/:documentId/reviews', 'reviews.list'),
      route('POST', '/courses/:documentId/reviews', 'reviews.create'),
      route('PUT', '/reviews/:documentId', 'reviews.update'),
      route('DELETE', '/reviews/:documentId', 'reviews.remove'),
      route('GET', '/teachers', 'teachers.list'),
      route('GET', '/teachers/:id', 'teachers.show'),
      route('GET', '/courses/:documentId/announcements', 'announcements.list'),
      route('POST', '/courses/:documentId/announcements', 'announcements.create'),
      route('PUT', '/lessons/:documentId/favorite', 'favorites.add'),
      route('DELETE', '/lessons/:documentId/favorite', 'favorites.remove'),
      route('GET', '/me/favorites', 'favorites.mine'),
      route('POST', '/feedback', 'feedback.submit', [feedbackLimit]),
    ],
  },
};

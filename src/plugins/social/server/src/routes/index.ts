import { lmsAdminRoutes, MODERATION_PAGE_ACTION } from '../../../../../access/admin-route';

const adminRoute = lmsAdminRoutes(MODERATION_PAGE_ACTION.id);

// Served at the contract's paths ("Social learning") rather than under /api/social.
const route = (method: string, path: string, handler: string) => ({
  method,
  path,
  handler,
  config: { prefix: '' },
});

export default {
  'content-api': {
    type: 'content-api',
    routes: [
      route('POST', '/posts', 'posts.create'),
      route('GET', '/posts/:documentId', 'posts.show'),
      route('GET', '/posts/:documentId/playback', 'posts.playback'),
      route('PUT', '/posts/:documentId', 'posts.update'),
      route('DELETE', '/posts/:documentId', 'posts.remove'),
      route('GET', '/users/:id/posts', 'posts.byUser'),
      route('GET', '/me/posts', 'posts.mine'),
      route('PUT', '/users/:id/follow', 'follows.follow'),
      route('DELETE', '/users/:id/follow', 'follows.unfollow'),
      route('GET', '/users/:id/followers', 'follows.followers'),
      route('GET', '/users/:id/following', 'follows.following'),
      route('PUT', '/posts/:documentId/like', 'reactions.likePost'),
      route('DELETE', '/posts/:documentId/like', 'reactions.unlikePost'),
      route('PUT', '/post-comments/:documentId/like', 'reactions.likeComment'),
      route('DELETE', '/post-comments/:documentId/like', 'reactions.unlikeComment'),
      route('GET', '/posts/:documentId/comments', 'reactions.listComments'),
      route('POST', '/posts/:documentId/comments', 'reactions.createComment'),
      route('DELETE', '/post-comments/:documentId', 'reactions.removeComment'),
      route('GET', '/feed', 'feed.feed'),
      route('POST', '/posts/:documentId/attempts', 'quiz-posts.start'),
      route('POST', '/post-attempts/:id/submit', 'quiz-posts.submit'),
      route('POST', '/posts/:documentId/report', 'moderation.report'),
      route('POST', '/posts/:documentId/hide', 'moderation.hide'),
      route('POST', '/posts/:documentId/restore', 'moderation.restore'),
      route('POST', '/post-comments/:documentId/report', 'moderation.reportComment'),
      route('POST', '/post-comments/:documentId/hide', 'moderation.hideComment'),
      route('POST', '/post-comments/:documentId/restore', 'moderation.restoreComment'),
      route('GET', '/post-reports', 'moderation.reported'),
    ],
  },
  // The admin panel's Moderation page, served under /social.
  admin: {
    type: 'admin',
    routes: [
      adminRoute('GET', '/reports', 'admin-moderation.reported'),
      adminRoute('POST', '/posts/:documentId/hide', 'admin-moderation.hide'),
      adminRoute('POST', '/posts/:documentId/restore', 'admin-moderation.restore'),
      adminRoute('POST', '/post-comments/:documentId/hide', 'admin-moderation.hideComment'),
      adminRoute('POST', '/post-comments/:documentId/restore', 'admin-moderation.restoreComment'),
    ],
  },
};

import type { Core } from '@strapi/strapi';
import { MODERATION_PAGE_ACTION } from '../../../../access/admin-route';
import adminModerationController from './controllers/admin-moderation';
import feedController from './controllers/feed';
import followsController from './controllers/follows';
import moderationController from './controllers/moderation';
import postsController from './controllers/posts';
import quizPostsController from './controllers/quiz-posts';
import reactionsController from './controllers/reactions';
import './notices';
import routes from './routes';
import feed from './services/feed';
import follows from './services/follows';
import moderation from './services/moderation';
import posts from './services/posts';
import quizPosts from './services/quiz-posts';
import reactions from './services/reactions';

/**
 * Social learning (contract "Social learning"): users' own posts ("my materials": notes, articles, videos and
 * self-check quizzes), likes, nested comments, follows, the feed, moderation and their notices. The records live in
 * the app's content types (post, post-comment, post-like, follow, post-report, post-attempt), which have no core REST
 * routes: these routes are the only way in.
 */
export default {
  services: { posts, follows, reactions, feed, 'quiz-posts': quizPosts, moderation },
  controllers: {
    posts: postsController,
    follows: followsController,
    reactions: reactionsController,
    feed: feedController,
    'quiz-posts': quizPostsController,
    moderation: moderationController,
    'admin-moderation': adminModerationController,
  },
  routes,
  async register({ strapi }: { strapi: Core.Strapi }) {
    await strapi.service('admin::permission').actionProvider.registerMany([MODERATION_PAGE_ACTION.registration]);
  },
};

import type { Core } from '@strapi/strapi';
import type followsService from './services/follows';
import type postsService from './services/posts';
import type feedService from './services/feed';
import type reactionsService from './services/reactions';

/**
 * What the social plugin offers the app: GraphQL's social operations call the same services as REST, and the demo
 * data writes posts, follows, likes and comments through the same
 * services as the REST routes (so counters, keys and notices are what a user's requests would make).
 */
type PostsService = ReturnType<typeof postsService>;
type FollowsService = ReturnType<typeof followsService>;
type ReactionsService = ReturnType<typeof reactionsService>;

type FeedService = ReturnType<typeof feedService>;

export type SocialPosts = Pick<PostsService, 'create' | 'show' | 'listByUser' | 'listMine'>;
export type SocialFollows = Pick<FollowsService, 'follow' | 'unfollow'>;
export type SocialReactions = Pick<ReactionsService, 'likePost' | 'likeComment' | 'createComment' | 'listComments'>;
export type SocialFeed = Pick<FeedService, 'feed'>;

export const socialPosts = (strapi: Core.Strapi): SocialPosts =>
  strapi.plugin('social').service('posts') as PostsService;
export const socialFollows = (strapi: Core.Strapi): SocialFollows =>
  strapi.plugin('social').service('follows') as FollowsService;
export const socialReactions = (strapi: Core.Strapi): SocialReactions =>
  strapi.plugin('social').service('reactions') as ReactionsService;

export const socialFeed = (strapi: Core.Strapi): SocialFeed => strapi.plugin('social').service('feed') as FeedService;

export type { PostInput } from './rules/post-input';
export { parsePostInput } from './rules/post-input';
export { feedSortParam } from './services/feed';
export { limitParam } from './rules/cursor';
export { collectSocialData, eraseSocialDataOf, type SocialPersonalData } from './personal-data';

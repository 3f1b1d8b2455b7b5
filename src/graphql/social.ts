import type { Core } from '@strapi/strapi';
import { documentIdParam, positiveIntegerParam } from '../access/params';
import { callerFrom } from '../access/roles';
import {
  feedSortParam,
  limitParam,
  parsePostInput,
  socialFeed,
  socialFollows,
  socialPosts,
  socialReactions,
} from '../plugins/social/server/src/facade';

/**
 * Social learning in GraphQL, under the same rules as REST: each operation calls the social plugin's service its
 * REST route calls, guarded by the same users-permissions action, and answers the REST `data` shape as JSON (so a
 * followers-only or hidden post is as absent here as there). Lists answer `{ data, nextCursor }`.
 */
const typeDefs = `
  extend type Query {
    post(documentId: ID!): JSON!
    userPosts(user: ID!, cursor: String, limit: Int): JSON!
    myPosts(cursor: String, limit: Int): JSON!
    feed(sort: String, cursor: String, limit: Int): JSON!
    postComments(post: ID!): JSON!
  }

  extend type Mutation {
    createPost(data: JSON!, status: String): JSON!
    likePost(post: ID!, liked: Boolean!): JSON!
    likePostComment(comment: ID!, liked: Boolean!): JSON!
    createPostComment(post: ID!, body: String!, parent: ID): JSON!
    followUser(user: ID!, following: Boolean!): JSON!
  }
`;

type Caller = ReturnType<typeof callerFrom>;
const resolver =
  (run: (args: any, caller: Caller) => Promise<unknown>) => async (_parent: unknown, args: any, context: any) =>
    run(args, callerFrom(context.state));
const optionalLimit = (value: unknown) => limitParam(value === null || value === undefined ? undefined : String(value));
const optionalCursor = (value: unknown) => (value === null ? undefined : value);
const scope = (action: string) => ({ auth: { scope: [`plugin::social.${action}`] } });

export const socialOperations = ({ strapi }: { strapi: Core.Strapi }) => ({
  typeDefs,
  resolvers: {
    Query: {
      post: resolver(({ documentId }, caller) => socialPosts(strapi).show(caller, documentIdParam(documentId))),
      userPosts: resolver(({ user, cursor, limit }, caller) =>
        socialPosts(strapi).listByUser(
          caller,
          positiveIntegerParam(user, 'user'),
          optionalCursor(cursor),
          optionalLimit(limit)
        )
      ),
      myPosts: resolver(({ cursor, limit }, caller) =>
        socialPosts(strapi).listMine(caller, optionalCursor(cursor), optionalLimit(limit))
      ),
      feed: resolver(({ sort, cursor, limit }, caller) =>
        socialFeed(strapi).feed(
          caller,
          feedSortParam(sort === null ? undefined : sort),
          optionalCursor(cursor),
          optionalLimit(limit)
        )
      ),
      postComments: resolver(({ post }, caller) =>
        socialReactions(strapi).listComments(caller, documentIdParam(post, 'post'))
      ),
    },
    Mutation: {
      createPost: resolver(({ data, status }, caller) => {
        const body = data && typeof data === 'object' && !Array.isArray(data) ? data : {};
        return socialPosts(strapi).create(caller, parsePostInput({ ...body, ...(status ? { status } : {}) }, 'create'));
      }),
      likePost: resolver(({ post, liked }, caller) =>
        socialReactions(strapi).likePost(caller, documentIdParam(post, 'post'), liked)
      ),
      likePostComment: resolver(({ comment, liked }, caller) =>
        socialReactions(strapi).likeComment(caller, documentIdParam(comment, 'comment'), liked)
      ),
      createPostComment: resolver(({ post, body, parent }, caller) =>
        socialReactions(strapi).createComment(caller, documentIdParam(post, 'post'), {
          body,
          parent: parent ?? undefined,
        })
      ),
      followUser: resolver(({ user, following }, caller) => {
        const userId = positiveIntegerParam(user, 'user');
        return following
          ? socialFollows(strapi).follow(caller, userId)
          : socialFollows(strapi).unfollow(caller, userId);
      }),
    },
  },
  resolversConfig: {
    'Query.post': scope('posts.show'),
    'Query.userPosts': scope('posts.byUser'),
    'Query.myPosts': scope('posts.mine'),
    'Query.feed': scope('feed.feed'),
    'Query.postComments': scope('reactions.listComments'),
    'Mutation.createPost': scope('posts.create'),
    'Mutation.likePost': scope('reactions.likePost'),
    'Mutation.likePostComment': scope('reactions.likeComment'),
    'Mutation.createPostComment': scope('reactions.createComment'),
    'Mutation.followUser': scope('follows.follow'),
  },
});

import type { RouteDescription } from '../route-description';
import {
  anyObject,
  array,
  body,
  boolean,
  dateTime,
  documentId,
  envelope,
  integer,
  listEnvelope,
  nullable,
  number,
  object,
  oneOf,
  string,
} from '../schema';

const TAG = 'Social learning';
const cursorQuery = {
  cursor: string({ description: 'meta.nextCursor of the previous page' }),
  limit: integer({ minimum: 1, maximum: 50 }),
};
const cursorMeta = object({ nextCursor: nullable(string()) });

/** How people appear here: never an email. */
const person = object({
  id: integer(),
  username: string(),
  fullName: nullable(string()),
  avatar: nullable(object({ url: string(), alternativeText: nullable(string()) })),
});
const tag = object({ documentId: documentId(), name: string(), slug: nullable(string()) });

const post = object(
  {
    id: integer(),
    documentId: documentId(),
    kind: oneOf('note', 'article', 'video', 'quiz'),
    title: string(),
    body: nullable(string({ description: 'Markdown, sanitised: no scripts, event handlers or javascript: links' })),
    video: nullable(
      object({
        id: integer(),
        url: string(),
        mime: string(),
        name: string(),
        videoAsset: {
          ...nullable(object({ id: string(), status: oneOf('queued', 'processing', 'ready', 'failed') })),
          description:
            'Its conversion (`GET /videos/:assetId` for its uploader; `GET /posts/:documentId/playback` to watch)',
        },
      })
    ),
    tags: array(tag),
    visibility: oneOf('public', 'followers'),
    status: oneOf('draft', 'published'),
    publishedAt: nullable(dateTime()),
    createdAt: dateTime(),
    updatedAt: dateTime(),
    author: nullable(person),
    likesCount: integer({ minimum: 0 }),
    commentsCount: integer({ minimum: 0 }),
    likedByMe: boolean(),
    questionsCount: integer({ description: 'Quiz posts only' }),
    isHidden: boolean(),
    reason: object({ kind: oneOf('tag', 'followed_author'), tag }, ['tag']),
  },
  ['questionsCount', 'isHidden', 'reason']
);

const questionInput = object(
  {
    type: oneOf('single', 'multiple', 'true_false', 'short_text', 'numeric'),
    prompt: string({ minLength: 1, maxLength: 5000 }),
    points: number({ minimum: 0 }),
    partialCredit: boolean(),
    options: array(object({ text: string(), correct: boolean() }, ['correct'])),
    acceptedAnswers: array(string()),
    numericAnswer: number(),
    tolerance: number({ minimum: 0 }),
    explanation: string(),
  },
  ['type', 'points', 'partialCredit', 'options', 'acceptedAnswers', 'numericAnswer', 'tolerance', 'explanation']
);

const postFields = {
  kind: oneOf('note', 'article', 'video', 'quiz'),
  title: string({ minLength: 1, maxLength: 200 }),
  body: nullable(string({ maxLength: 50000 })),
  video: nullable(integer({ description: 'The id of a file the caller uploaded (video posts)' })),
  tags: array(documentId()),
  visibility: oneOf('public', 'followers'),
  questions: array(questionInput),
  status: oneOf('draft', 'published'),
};
const statusQuery = { status: oneOf('draft', 'published') };

const comment: Record<string, unknown> = object({
  id: integer(),
  documentId: documentId(),
  body: nullable(string({ description: 'Sanitised HTML; null for a deleted comment kept for its replies' })),
  author: nullable(person),
  parent: nullable(documentId()),
  createdAt: dateTime(),
  likesCount: integer({ minimum: 0 }),
  likedByMe: boolean(),
  isDeleted: boolean(),
  // Hidden by a moderator: shown (marked) to staff and its author only.
  isHidden: boolean(),
  replies: array(anyObject()),
});

const likeAnswer = (target: 'post' | 'comment') =>
  envelope(
    object({ [target]: object({ documentId: documentId() }), liked: boolean(), likesCount: integer({ minimum: 0 }) })
  );
const followAnswer = envelope(object({ user: object({ id: integer() }), following: boolean() }));
const people = envelope(array(person), object({ total: integer(), nextCursor: nullable(string()) }));
const reasonBody = body({ reason: string({ maxLength: 2000 }) }, ['reason']);

export const socialRoutes: RouteDescription[] = [
  {
    method: 'POST',
    path: '/posts',
    tag: TAG,
    audience: 'signed in',
    summary: 'Write a post (note, article, video, self-check quiz); published unless ?status=draft',
    query: statusQuery,
    requestBody: body(postFields, ['body', 'video', 'tags', 'visibility', 'questions', 'status']),
    status: 201,
    response: envelope(post),
    refusals: [
      { status: 400, reasons: ['unknown_tag'] },
      { status: 403, reasons: ['not_file_owner'] },
    ],
  },
  {
    method: 'GET',
    path: '/posts/:documentId',
    tag: TAG,
    audience: 'public',
    summary: 'One post: drafts to their author only, followers-only posts to followers, hidden ones to nobody (404)',
    query: statusQuery,
    status: 200,
    response: envelope(post),
  },
  {
    method: 'PUT',
    path: '/posts/:documentId',
    tag: TAG,
    audience: 'owner or admin',
    summary: 'Edit a post; ?status=published publishes a draft',
    query: statusQuery,
    requestBody: body(postFields, Object.keys(postFields)),
    status: 200,
    response: envelope(post),
    refusals: [
      { status: 403, reasons: ['not_post_author', 'not_file_owner'] },
      { status: 400, reasons: ['unknown_tag'] },
    ],
  },
  {
    method: 'DELETE',
    path: '/posts/:documentId',
    tag: TAG,
    audience: 'owner or admin',
    summary: 'Delete a post with its comments, likes, reports and attempts',
    status: 200,
    response: envelope(object({ documentId: documentId(), deleted: boolean() })),
    refusals: [{ status: 403, reasons: ['not_post_author'] }],
  },
  {
    method: 'GET',
    path: '/users/:id/posts',
    tag: TAG,
    audience: 'public',
    summary: "A user's published posts the caller may see, newest first",
    query: cursorQuery,
    status: 200,
    response: envelope(array(post), cursorMeta),
  },
  {
    method: 'GET',
    path: '/me/posts',
    tag: TAG,
    audience: 'signed in',
    summary: "My materials: the caller's posts, drafts included, newest first",
    query: cursorQuery,
    status: 200,
    response: envelope(array(post), cursorMeta),
  },
  {
    method: 'PUT',
    path: '/users/:id/follow',
    tag: TAG,
    audience: 'signed in',
    summary: 'Follow a user (idempotent; oneself is 400)',
    status: 200,
    response: followAnswer,
  },
  {
    method: 'DELETE',
    path: '/users/:id/follow',
    tag: TAG,
    audience: 'signed in',
    summary: 'Unfollow a user (idempotent)',
    status: 200,
    response: followAnswer,
  },
  {
    method: 'GET',
    path: '/users/:id/followers',
    tag: TAG,
    audience: 'public',
    summary: "A user's followers, newest first (public rows: no emails)",
    query: { cursor: string(), limit: integer({ minimum: 1, maximum: 100 }) },
    status: 200,
    response: people,
  },
  {
    method: 'GET',
    path: '/users/:id/following',
    tag: TAG,
    audience: 'public',
    summary: 'Whom a user follows, newest first (public rows: no emails)',
    query: { cursor: string(), limit: integer({ minimum: 1, maximum: 100 }) },
    status: 200,
    response: people,
  },
  {
    method: 'PUT',
    path: '/posts/:documentId/like',
    tag: TAG,
    audience: 'signed in',
    summary: 'Like a post (idempotent; exact under concurrent likes)',
    status: 200,
    response: likeAnswer('post'),
  },
  {
    method: 'DELETE',
    path: '/posts/:documentId/like',
    tag: TAG,
    audience: 'signed in',
    summary: 'Take back a like (idempotent)',
    status: 200,
    response: likeAnswer('post'),
  },
  {
    method: 'PUT',
    path: '/post-comments/:documentId/like',
    tag: TAG,
    audience: 'signed in',
    summary: 'Like a post comment (idempotent)',
    status: 200,
    response: likeAnswer('comment'),
  },
  {
    method: 'DELETE',
    path: '/post-comments/:documentId/like',
    tag: TAG,
    audience: 'signed in',
    summary: 'Take back a comment like (idempotent)',
    status: 200,
    response: likeAnswer('comment'),
  },
  {
    method: 'GET',
    path: '/posts/:documentId/comments',
    tag: TAG,
    audience: 'public',
    summary: "A post's comments nested to any depth, each level oldest first, with likesCount and likedByMe",
    status: 200,
    response: listEnvelope(comment),
  },
  {
    method: 'POST',
    path: '/posts/:documentId/comments',
    tag: TAG,
    audience: 'signed in',
    summary: 'Comment on a post, or reply to one of its comments (parent); the body is sanitised',
    requestBody: body({ body: string({ minLength: 1, maxLength: 10000 }), parent: nullable(documentId()) }, ['parent']),
    status: 201,
    response: envelope(comment),
  },
  {
    method: 'DELETE',
    path: '/post-comments/:documentId',
    tag: TAG,
    audience: 'owner or admin',
    summary: "Delete a comment (its author, the post's author, admins); replies stay under a placeholder",
    status: 200,
    response: envelope(object({ documentId: documentId(), deleted: boolean() })),
    refusals: [{ status: 403, reasons: ['not_comment_author'] }],
  },
  {
    method: 'GET',
    path: '/feed',
    tag: TAG,
    audience: 'signed in',
    summary:
      'The feed: recent (followed users), popular (likes and comments with time decay), recommended (with a reason); keyset pages',
    query: { sort: oneOf('recent', 'popular', 'recommended'), ...cursorQuery },
    status: 200,
    response: envelope(
      array(post),
      object({ sort: oneOf('recent', 'popular', 'recommended'), nextCursor: nullable(string()) })
    ),
  },
  {
    method: 'POST',
    path: '/posts/:documentId/attempts',
    tag: TAG,
    audience: 'signed in',
    summary: 'Try a quiz post: its questions without answers (unlimited attempts, no enrollment)',
    status: 201,
    response: envelope(
      object({
        id: integer(),
        post: object({ documentId: documentId() }),
        questions: array(
          object(
            {
              id: integer(),
              type: string(),
              prompt: string(),
              points: number(),
              options: array(object({ id: integer(), text: string() })),
            },
            ['options']
          )
        ),
        createdAt: dateTime(),
        submittedAt: nullable(dateTime()),
      })
    ),
    refusals: [{ status: 400, reasons: ['not_a_quiz'] }],
  },
  {
    method: 'POST',
    path: '/post-attempts/:id/submit',
    tag: TAG,
    audience: 'signed in',
    summary: "Submit one's attempt: the score and results with the answers (always shown)",
    requestBody: body({
      answers: array(
        object({ question: integer(), choices: array(integer()), text: string(), number: number() }, [
          'choices',
          'text',
          'number',
        ])
      ),
    }),
    status: 200,
    response: envelope(
      object({
        id: integer(),
        post: nullable(object({ documentId: documentId() })),
        score: number(),
        maxScore: number(),
        percent: number(),
        results: array(object({ question: integer(), points: number(), earned: number(), correct: boolean() })),
        submittedAt: dateTime(),
      })
    ),
    refusals: [{ status: 409, reasons: ['already_submitted'] }],
  },
  {
    method: 'POST',
    path: '/posts/:documentId/report',
    tag: TAG,
    audience: 'signed in',
    summary: 'Report a post to the moderators (reason required)',
    requestBody: body({ reason: string({ minLength: 1, maxLength: 2000 }) }),
    status: 201,
    response: envelope(
      object({ id: integer(), post: object({ documentId: documentId() }), reason: string(), createdAt: dateTime() })
    ),
  },
  {
    method: 'POST',
    path: '/posts/:documentId/hide',
    tag: TAG,
    audience: 'admin',
    summary: 'Hide a post from every list, feed and read (audited)',
    requestBody: reasonBody,
    status: 200,
    response: envelope(object({ documentId: documentId(), hidden: boolean() })),
  },
  {
    method: 'POST',
    path: '/posts/:documentId/restore',
    tag: TAG,
    audience: 'admin',
    summary: 'Show a hidden post again (audited)',
    requestBody: reasonBody,
    status: 200,
    response: envelope(object({ documentId: documentId(), hidden: boolean() })),
  },
  {
    method: 'POST',
    path: '/post-comments/:documentId/report',
    tag: TAG,
    audience: 'signed in',
    summary: 'Report a post comment to the moderators (reason required)',
    requestBody: body({ reason: string({ minLength: 1, maxLength: 2000 }) }),
    status: 201,
    response: envelope(
      object({ id: integer(), comment: object({ documentId: documentId() }), reason: string(), createdAt: dateTime() })
    ),
  },
  {
    method: 'POST',
    path: '/post-comments/:documentId/hide',
    tag: TAG,
    audience: 'admin',
    summary:
      "Hide a post comment (audited): it leaves its thread and its post's comment count; staff and its author still see it, marked",
    requestBody: reasonBody,
    status: 200,
    response: envelope(object({ documentId: documentId(), hidden: boolean() })),
  },
  {
    method: 'POST',
    path: '/post-comments/:documentId/restore',
    tag: TAG,
    audience: 'admin',
    summary: 'Show a hidden post comment again (audited)',
    requestBody: reasonBody,
    status: 200,
    response: envelope(object({ documentId: documentId(), hidden: boolean() })),
  },
  {
    method: 'GET',
    path: '/post-reports',
    tag: TAG,
    audience: 'admin',
    summary:
      'Reported posts (?target=comment: post comments), most reported first, with their reports (?hidden=true includes hidden ones)',
    query: { target: oneOf('post', 'comment'), hidden: oneOf('true', 'false') },
    status: 200,
    response: listEnvelope(
      object(
        {
          documentId: documentId(),
          title: string({ description: 'Posts only' }),
          body: nullable(string({ description: 'Comments only' })),
          post: object({ documentId: documentId(), title: string() }),
          author: nullable(person),
          hidden: boolean(),
          hiddenReason: nullable(string()),
          reportsCount: integer(),
          reports: array(
            object({ id: integer(), reason: string(), reporter: nullable(person), createdAt: dateTime() })
          ),
        },
        ['title', 'body', 'post']
      )
    ),
  },
];

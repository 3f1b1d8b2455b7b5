import type { Core } from '@strapi/strapi';
import type { SqlStatement } from '../../../../access/raw-sql';
import { defineJob, enqueue, enqueueKeyedInStatement } from '../../../../jobs';
import { sendNotices } from '../../../../notifications/notice-job';
import { publicPeople } from './queries/people';
import { inKnex, socialTables } from './queries/social-tables';

/**
 * Social notices, all through the durable jobs (src/jobs), recorded in the transaction of the change that causes
 * them: a new follower, a comment on one's post, a reply to one's comment, a new post by someone one follows, and
 * likes. Each becomes in-app notices (and email copies for users who asked for them) through `notification.send`.
 *
 * Likes are grouped: the first like of a burst on a post or comment records one digest job due when the burst's
 * window ends (SOCIAL_LIKE_DIGEST_SECONDS, 60 by default); it tells the author about every like not yet told
 * ("12 people liked …") and marks them told in the same transaction, so a retried digest tells nothing twice.
 */
const digestSeconds = () => {
  const value = Number(process.env.SOCIAL_LIKE_DIGEST_SECONDS ?? 60);
  return Number.isFinite(value) && value > 0 ? value : 60;
};

const quoted = (title: string) => `“${title.length > 80 ? `${title.slice(0, 79)}…` : title}”`;
const nameOf = (person: { username: string; fullName: string | null } | undefined) =>
  person ? person.fullName || person.username : 'Someone';

interface LikeDigest {
  targetType: 'post' | 'comment';
  targetId: number;
}

export const likeDigestJob = defineJob<LikeDigest>('social.like-digest', async (strapi, { targetType, targetId }) => {
  const tables = socialTables(strapi);
  await strapi.db.transaction(async ({ trx }) => {
    const target =
      targetType === 'post'
        ? await trx(tables.posts).select('id', 'document_id', 'author_id', 'title').where('id', targetId).first()
        : await trx(`${tables.comments} as c`)
            .join(`${tables.posts} as p`, 'p.id', 'c.post_id')
            .select('c.id', 'c.author_id', 'p.document_id', 'p.title')
            .where('c.id', targetId)
            .first();
    if (!target || !target.author_id) return;
    const likes = await trx(tables.likes)
      .select('id', 'user_id')
      .where({ target_type: targetType, target_id: targetId })
      .whereNull('notified_at')
      .whereNot('user_id', target.author_id)
      .orderBy('id', 'asc');
    if (!likes.length) return;
    const ids = likes.map((like: any) => like.id);
    await trx(tables.likes).whereIn('id', ids).update({ notified_at: new Date() });
    const first = (await publicPeople(strapi, [Number(likes[0].user_id)])).get(Number(likes[0].user_id));
    const what = targetType === 'post' ? quoted(target.title) : `your comment on ${quoted(target.title)}`;
    const title = likes.length === 1 ? `${nameOf(first)} liked ${what}` : `${likes.length} people liked ${what}`;
    await sendNotices(strapi, {
      deliveryKey: `social.likes:${targetType}:${targetId}:${ids[0]}`,
      userIds: [Number(target.author_id)],
      message: {
        type: targetType === 'post' ? 'post_liked' : 'comment_liked',
        title,
        link: `/posts/${target.document_id}`,
      },
    });
  });
});

/** The window of likes a time falls in: its number (in the digest's key) and its end (when the digest runs). */
function likeWindow(now: Date) {
  const window = digestSeconds() * 1000;
  const bucket = Math.floor(now.getTime() / window);
  return { bucket, endsAt: new Date((bucket + 1) * window) };
}

/** After a like is recorded (in its transaction): the digest of its burst, once per window and target. */
export async function noteLike(strapi: Core.Strapi, like: LikeDigest & { now: Date }): Promise<void> {
  const { bucket, endsAt } = likeWindow(like.now);
  await enqueue(
    strapi,
    likeDigestJob,
    { targetType: like.targetType, targetId: like.targetId },
    { key: `${like.targetType}:${like.targetId}:${bucket}`, runAt: endsAt }
  );
}

/**
 * noteLike inside a like's own statement (PostgreSQL): the same digest job, payload and key, recorded once per row of
 * the CTE `from`, whose `targetIdColumn` is the liked post's or comment's id.
 */
export function noteLikeInStatement(
  strapi: Core.Strapi,
  like: { targetType: LikeDigest['targetType']; now: Date; from: string; targetIdColumn: string }
): SqlStatement {
  const { bucket, endsAt } = likeWindow(like.now);
  const id = `${like.from}.${like.targetIdColumn}`;
  return enqueueKeyedInStatement(strapi, likeDigestJob, {
    payload: {
      sql: `CAST(json_build_object('targetType', CAST(? AS text), 'targetId', ${id}) AS text)`,
      bindings: [like.targetType],
    },
    key: {
      sql: `CAST(? AS text) || ':' || ${id} || ':' || CAST(? AS text)`,
      bindings: [like.targetType, String(bucket)],
    },
    runAt: endsAt,
    from: like.from,
  });
}

interface NewPost {
  postId: number;
  authorId: number;
}

/** New post by someone one follows: to the author's followers at the time the job runs, if still published. */
export const newPostJob = defineJob<NewPost>('social.new-post', async (strapi, { postId, authorId }) => {
  const tables = socialTables(strapi);
  const post = await inKnex(strapi, (knex) =>
    knex(tables.posts).select('document_id', 'title', 'is_draft', 'hidden_at').where('id', postId).first()
  );
  if (!post || post.is_draft || post.hidden_at) return;
  const followers = await inKnex(strapi, (knex) =>
    knex(tables.follows).select('follower_id').where('followed_id', authorId)
  );
  if (!followers.length) return;
  const author = (await publicPeople(strapi, [authorId])).get(authorId);
  await sendNotices(strapi, {
    deliveryKey: `social.new-post:${postId}`,
    userIds: followers.map((row: any) => Number(row.follower_id)),
    message: {
      type: 'new_post',
      title: `${nameOf(author)} posted ${quoted(post.title)}`,
      link: `/posts/${post.document_id}`,
    },
  });
});

/** At a post's first publication, in its transaction (the key makes a re-publication announce nothing). */
export async function announceNewPost(strapi: Core.Strapi, post: NewPost): Promise<void> {
  await enqueue(strapi, newPostJob, post, { key: `post:${post.postId}` });
}

/** A new follower, told to the one followed. */
export async function announceFollower(
  strapi: Core.Strapi,
  follow: { followId: number; followerId: number; followedId: number }
): Promise<void> {
  const follower = (await publicPeople(strapi, [follow.followerId])).get(follow.followerId);
  await sendNotices(strapi, {
    deliveryKey: `social.follow:${follow.followId}`,
    userIds: [follow.followedId],
    message: {
      type: 'new_follower',
      title: `${nameOf(follower)} started following you`,
      link: `/users/${follow.followerId}`,
    },
  });
}

/**
 * A new comment: to the post's author, and for a reply to the author of the comment replied to (each once, never
 * to the commenter themself).
 */
export async function announceComment(
  strapi: Core.Strapi,
  comment: {
    commentId: number;
    authorId: number;
    post: { documentId: string; title: string; authorId: number };
    parentAuthorId: number | null;
  }
): Promise<void> {
  const commenter = (await publicPeople(strapi, [comment.authorId])).get(comment.authorId);
  const link = `/posts/${comment.post.documentId}`;
  const { parentAuthorId } = comment;
  if (parentAuthorId !== null && parentAuthorId !== comment.authorId) {
    await sendNotices(strapi, {
      deliveryKey: `social.reply:${comment.commentId}`,
      userIds: [parentAuthorId],
      message: {
        type: 'comment_reply',
        title: `${nameOf(commenter)} replied to your comment on ${quoted(comment.post.title)}`,
        link,
      },
    });
  }
  if (comment.post.authorId !== comment.authorId && comment.post.authorId !== parentAuthorId) {
    await sendNotices(strapi, {
      deliveryKey: `social.comment:${comment.commentId}`,
      userIds: [comment.post.authorId],
      message: {
        type: 'post_commented',
        title: `${nameOf(commenter)} commented on ${quoted(comment.post.title)}`,
        link,
      },
    });
  }
}

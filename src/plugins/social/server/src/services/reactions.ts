import type { Core } from '@strapi/strapi';
import { createId } from '@paralleldrive/cuid2';
import { isAdmin, type Caller } from '../../../../../access/roles';
import { runSql } from '../../../../../access/raw-sql';
import { cleanText, toPlainText } from '../../../../../content/rich-text';
import { invalidField, notFound, Refusal } from '../../../../../errors/refusal';
import { announceComment, noteLike } from '../notices';
import { publicPeople } from '../queries/people';
import { COMMENT, inKnex, socialTables } from '../queries/social-tables';
import { buildPostCommentTree, type PostCommentRow } from '../rules/comment-tree';
import { publishedVisiblePostRow } from './post-views';

export const COMMENT_LIMIT = 10_000;
export type LikeTarget = 'post' | 'comment';

/** The database-unique key of "user likes target". */
export const likeKey = (target: LikeTarget, targetId: number, userId: number) => `${target}:${targetId}:${userId}`;

/**
 * The popular score recomputed by the same statement that changes a post's counts (rules/visibility.ts
 * popularScore, in SQL): `SET` expressions read the row as it was, so the new counts are spelled out.
 */
export const popularScoreSql = (likes: string, comments: string) =>
  `ln(1 + ${likes} + 2 * (${comments})) + CAST(COALESCE(posted_ms, 0) AS double precision) / 3600000.0 / 12`;

/** The cleaned body of a comment: 1..10,000 characters before cleaning that still say something after it. */
export function cleanCommentBody(value: unknown): string {
  if (typeof value !== 'string') throw invalidField('body', 'body must be text');
  if (value.length > COMMENT_LIMIT) throw invalidField('body', `body must be at most ${COMMENT_LIMIT} characters`);
  const cleaned = cleanText(value, 'html');
  if (
    !toPlainText(cleaned)
      .replace(/&nbsp;/g, ' ')
      .trim()
  )
    throw invalidField('body', 'body must not be empty');
  return cleaned;
}

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const tables = () => socialTables(strapi);

  /** A comment one may react to: not deleted or hidden, on a post the caller may see (404 otherwise). */
  async function visibleComment(caller: Caller, documentId: string) {
    const comment = await inKnex(strapi, (knex) =>
      knex(`${tables().comments} as c`)
        .join(`${tables().posts} as p`, 'p.id', 'c.post_id')
        .select('c.id', 'c.author_id', 'c.deleted_at', 'c.hidden_at', 'c.post_id', {
          post_document_id: 'p.document_id',
        })
        .where('c.document_id', documentId)
        .first()
    );
    if (!comment || comment.deleted_at || comment.hidden_at) throw notFound('Comment not found');
    await publishedVisiblePostRow(strapi, caller, comment.post_document_id);
    return comment;
  }

  /**
   * Adds or removes the caller's like, exactly once: the like's unique key lets one of concurrent inserts through,
   * and only the insert (or delete) that changed a row moves the counter, in the same transaction, by a relative
   * `UPDATE … SET likes_count = likes_count ± 1`. The answer's count is read inside that transaction.
   */
  async function setLike(caller: Caller, target: LikeTarget, targetId: number, liked: boolean) {
    const table = target === 'post' ? tables().posts : tables().comments;
    const scoreUpdate = (delta: string) =>
      target === 'post' ? `, popular_score = ${popularScoreSql(`likes_count ${delta}`, 'comments_count')}` : '';
    const key = likeKey(target, targetId, caller.userId!);
    const now = new Date();
    return strapi.db.transaction(async () => {
      if (liked) {
        const { rows } = await runSql<{ id: number }>(
          strapi,
          `INSERT INTO ?? (document_id, "key", target_type, target_id, user_id, created_at, updated_at, published_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT ("key") DO NOTHING RETURNING id`,
          [tables().likes, createId(), key, target, targetId, caller.userId, now, now, now]
        );
        if (rows.length) {
          await runSql(strapi, `UPDATE ?? SET likes_count = likes_count + 1${scoreUpdate('+ 1')} WHERE id = ?`, [
            table,
            targetId,
          ]);
          await noteLike(strapi, { targetType: target, targetId, now });
        }
      } else {
        const { count } = await runSql(strapi, 'DELETE FROM ?? WHERE "key" = ?', [tables().likes, key]);
        if (count > 0)
          await runSql(
            strapi,
            `UPDATE ?? SET likes_count = likes_count - 1${scoreUpdate('- 1')} WHERE id = ? AND likes_count > 0`,
            [table, targetId]
          );
      }
      const { rows } = await runSql<{ likes_count: number }>(strapi, 'SELECT likes_count FROM ?? WHERE id = ?', [
        table,
        targetId,
      ]);
      return { liked, likesCount: Number(rows[0]?.likes_count ?? 0) };
    });
  }

  async function commentRows(postId: number): Promise<PostCommentRow[]> {
    const rows = await inKnex(strapi, (knex) =>
      knex(tables().comments)
        .select(
          'id',
          'document_id',
          'body',
          'author_id',
          'parent_id',
          'created_at',
          'likes_count',
          'deleted_at',
          'hidden_at'
        )
        .where('post_id', postId)
        .orderBy([
          { column: 'created_at', order: 'asc' },
          { column: 'id', order: 'asc' },
        ])
    );
    return rows.map((row: any) => ({
      id: Number(row.id),
      documentId: row.document_id,
      body: row.body,
      authorId: row.author_id === null ? null : Number(row.author_id),
      parentId: row.parent_id === null ? null : Number(row.parent_id),
      createdAt: typeof row.created_at === 'number' ? new Date(row.created_at) : row.created_at,
      likesCount: Number(row.likes_count ?? 0),
      isGone: Boolean(row.deleted_at) || Boolean(row.hidden_at),
    }));
  }

  async function likedComments(caller: Caller, ids: number[]): Promise<Set<number>> {
    if (caller.userId === null || !ids.length) return new Set();
    const rows = await inKnex(strapi, (knex) =>
      knex(tables().likes)
        .select('target_id')
        .where({ user_id: caller.userId, target_type: 'comment' })
        .whereIn('target_id', ids)
    );
    return new Set(rows.map((row: any) => Number(row.target_id)));
  }

  return {
    async likePost(caller: Caller, postDocumentId: string, liked: boolean) {
      const post = await publishedVisiblePostRow(strapi, caller, postDocumentId);
      return { post: { documentId: postDocumentId }, ...(await setLike(caller, 'post', post.id, liked)) };
    },

    async likeComment(caller: Caller, commentDocumentId: string, liked: boolean) {
      const comment = await visibleComment(caller, commentDocumentId);
      return {
        comment: { documentId: commentDocumentId },
        ...(await setLike(caller, 'comment', Number(comment.id), liked)),
      };
    },

    /** GET /posts/:documentId/comments: the whole thread, nested, each level oldest first. */
    async listComments(caller: Caller, postDocumentId: string) {
      const post = await publishedVisiblePostRow(strapi, caller, postDocumentId);
      const rows = await commentRows(post.id);
      const people = await publicPeople(
        strapi,
        rows.flatMap((row) => (row.authorId === null ? [] : [row.authorId]))
      );
      const liked = await likedComments(
        caller,
        rows.map((row) => row.id)
      );
      return buildPostCommentTree(rows, people, liked);
    },

    /** POST /posts/:documentId/comments { body, parent? }: a comment or a reply (its parent on the same post). */
    async createComment(caller: Caller, postDocumentId: string, input: { body: unknown; parent?: unknown }) {
      const post = await publishedVisiblePostRow(strapi, caller, postDocumentId);
      const body = cleanCommentBody(input.body);
      let parent: { id: number; author_id: number | null; document_id: string } | null = null;
      if (input.parent !== undefined && input.parent !== null) {
        if (typeof input.parent !== 'string' || !/^[A-Za-z0-9]{1,64}$/.test(input.parent))
          throw invalidField('parent', 'parent must be a comment documentId');
        parent = await inKnex(strapi, (knex) =>
          knex(tables().comments)
            .select('id', 'author_id', 'document_id')
            .where({ document_id: input.parent, post_id: post.id })
            .whereNull('deleted_at')
            .whereNull('hidden_at')
            .first()
        );
        if (!parent) throw invalidField('parent', 'parent is not a comment of this post');
      }
      const now = new Date();
      const created = await strapi.db.transaction(async () => {
        const comment = await strapi.db.query(COMMENT).create({
          data: {
            postId: post.id,
            authorId: caller.userId,
            parentId: parent?.id ?? null,
            body,
            likesCount: 0,
            publishedAt: now,
          },
        });
        await runSql(
          strapi,
          `UPDATE ?? SET comments_count = comments_count + 1, popular_score = ${popularScoreSql('likes_count', 'comments_count + 1')} WHERE id = ?`,
          [tables().posts, post.id]
        );
        const title = await inKnex(
          strapi,
          async (knex) => (await knex(tables().posts).select('title').where('id', post.id).first())?.title ?? ''
        );
        await announceComment(strapi, {
          commentId: comment.id,
          authorId: caller.userId!,
          post: { documentId: postDocumentId, title, authorId: Number(post.author_id) },
          parentAuthorId: parent?.author_id == null ? null : Number(parent.author_id),
        });
        return comment;
      });
      const people = await publicPeople(strapi, [caller.userId!]);
      return {
        id: created.id,
        documentId: created.documentId,
        body: created.body,
        author: people.get(caller.userId!) ?? null,
        parent: parent?.document_id ?? null,
        createdAt: new Date(created.createdAt).toISOString(),
        likesCount: 0,
        likedByMe: false,
        isDeleted: false,
        replies: [],
      };
    },

    /**
     * DELETE /post-comments/:documentId: its author, the post's author or an admin. The comment becomes a
     * placeholder (its text erased) so replies keep their place; the post's count drops once.
     */
    async removeComment(caller: Caller, commentDocumentId: string) {
      const comment = await visibleComment(caller, commentDocumentId);
      const post = await inKnex(strapi, (knex) =>
        knex(tables().posts).select('author_id').where('id', comment.post_id).first()
      );
      const mayDelete =
        isAdmin(caller) || caller.userId === Number(comment.author_id) || caller.userId === Number(post?.author_id);
      if (!mayDelete)
        throw new Refusal('Only its author, the post’s author or an admin may delete a comment', 'not_comment_author', {
          status: 403,
        });
      await strapi.db.transaction(async () => {
        const { count } = await runSql(
          strapi,
          'UPDATE ?? SET deleted_at = ?, body = ? WHERE id = ? AND deleted_at IS NULL',
          [tables().comments, new Date(), '', comment.id]
        );
        if (count > 0)
          await runSql(
            strapi,
            `UPDATE ?? SET comments_count = comments_count - 1, popular_score = ${popularScoreSql('likes_count', 'comments_count - 1')} WHERE id = ? AND comments_count > 0`,
            [tables().posts, comment.post_id]
          );
      });
      return { documentId: commentDocumentId, deleted: true };
    },
  };
};

import type { Core } from '@strapi/strapi';
import { createId } from '@paralleldrive/cuid2';
import { isAdmin, type Caller } from '../../../../../access/roles';
import { isPostgres, runSql, type SqlStatement } from '../../../../../access/raw-sql';
import { cleanText, toPlainText } from '../../../../../content/rich-text';
import { invalidField, notFound, Refusal } from '../../../../../errors/refusal';
import { announceComment, noteLike, noteLikeInStatement } from '../notices';
import { publicPeople } from '../queries/people';
import { COMMENT, inKnex, socialTables } from '../queries/social-tables';
import { buildPostCommentTree, type PostCommentRow } from '../rules/comment-tree';
import { publishedVisiblePostRow, visibleCommentRow } from './post-views';

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

/** How a comment row shows to `caller`: deleted ones are gone; hidden ones are gone but to staff and their author. */
function goneOrHidden(caller: Caller, row: { deleted_at: unknown; hidden_at: unknown; author_id: unknown }) {
  if (row.deleted_at) return { isGone: true, isHidden: false };
  if (!row.hidden_at) return { isGone: false, isHidden: false };
  const maySee = isAdmin(caller) || (caller.userId !== null && caller.userId === Number(row.author_id));
  return maySee ? { isGone: false, isHidden: true } : { isGone: true, isHidden: false };
}

/** A post's like also moves its popular score (in the counter's own UPDATE); a comment has none. */
const scoreUpdate = (target: LikeTarget, delta: string) =>
  target === 'post' ? `, popular_score = ${popularScoreSql(`likes_count ${delta}`, 'comments_count')}` : '';

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const tables = () => socialTables(strapi);

  /** A comment one may react to: not deleted or hidden, on a post the caller may see (404 otherwise). */
  const visibleComment = (caller: Caller, documentId: string) => visibleCommentRow(strapi, caller, documentId);

  /**
   * PostgreSQL: a like or unlike as one statement, no transaction (the hot path, the bench's like-hot-post): the
   * target as the caller may see it (rules/visibility.ts in SQL, as applyVisiblePosts writes it), the like's insert
   * or delete by its unique key, the relative counter update only if that changed a row, and for a new like its
   * burst's digest job. The counter's UPDATE waits for a concurrent one on the row and adds to its result, so
   * concurrent likes count exactly. No row: the target is not there for this caller (404).
   */
  async function setLikeInOneStatement(caller: Caller, target: LikeTarget, documentId: string, liked: boolean) {
    const table = tables();
    const visible = isAdmin(caller)
      ? { sql: '', bindings: [] as unknown[] }
      : {
          sql: ` AND p.hidden_at IS NULL AND (p.visibility = 'public' OR p.author_id = CAST(? AS integer)
            OR EXISTS (SELECT 1 FROM ?? f WHERE f.follower_id = CAST(? AS integer) AND f.followed_id = p.author_id))`,
          bindings: [caller.userId, table.follows, caller.userId],
        };
    const found: SqlStatement =
      target === 'post'
        ? {
            sql: `SELECT p.id, p.likes_count FROM ?? p WHERE p.document_id = ? AND p.is_draft = false${visible.sql}`,
            bindings: [table.posts, documentId, ...visible.bindings],
          }
        : {
            sql: `SELECT c.id, c.likes_count FROM ?? c JOIN ?? p ON p.id = c.post_id
              WHERE c.document_id = ? AND c.deleted_at IS NULL AND c.hidden_at IS NULL AND p.is_draft = false${visible.sql}`,
            bindings: [table.comments, table.posts, documentId, ...visible.bindings],
          };
    // likeKey(target, id, user), spelled in SQL.
    const key = {
      sql: `CAST(? AS text) || ':' || target.id || ':' || CAST(? AS text)`,
      bindings: [target, String(caller.userId)],
    };
    const counter = target === 'post' ? table.posts : table.comments;
    const answer = 'SELECT COALESCE((SELECT likes_count FROM counted), target.likes_count) AS likes_count FROM target';
    let statement: SqlStatement;
    if (liked) {
      const now = new Date();
      const digest = noteLikeInStatement(strapi, {
        targetType: target,
        now,
        from: 'liked',
        targetIdColumn: 'target_id',
      });
      statement = {
        sql: `WITH target AS (${found.sql}),
          liked AS (
            INSERT INTO ?? (document_id, "key", target_type, target_id, user_id, created_at, updated_at, published_at)
            SELECT CAST(? AS varchar), ${key.sql}, CAST(? AS varchar), target.id, CAST(? AS integer),
              CAST(? AS timestamp), CAST(? AS timestamp), CAST(? AS timestamp)
            FROM target ON CONFLICT ("key") DO NOTHING RETURNING target_id),
          counted AS (UPDATE ?? SET likes_count = likes_count + 1${scoreUpdate(target, '+ 1')}
            WHERE id IN (SELECT target_id FROM liked) RETURNING likes_count),
          digest AS (${digest.sql})
          ${answer}`,
        bindings: [
          ...found.bindings,
          table.likes,
          createId(),
          ...key.bindings,
          target,
          caller.userId,
          now,
          now,
          now,
          counter,
          ...digest.bindings,
        ],
      };
    } else {
      statement = {
        sql: `WITH target AS (${found.sql}),
          removed AS (DELETE FROM ?? l USING target WHERE l."key" = ${key.sql} RETURNING l.target_id),
          counted AS (UPDATE ?? SET likes_count = likes_count - 1${scoreUpdate(target, '- 1')}
            WHERE id IN (SELECT target_id FROM removed) AND likes_count > 0 RETURNING likes_count)
          ${answer}`,
        bindings: [...found.bindings, table.likes, ...key.bindings, counter],
      };
    }
    const { rows } = await runSql<{ likes_count: number }>(strapi, statement.sql, statement.bindings);
    if (!rows.length) throw notFound(target === 'post' ? 'Post not found' : 'Comment not found');
    return { liked, likesCount: Number(rows[0].likes_count ?? 0) };
  }

  /**
   * Adds or removes the caller's like, exactly once (SQLite; PostgreSQL's is setLikeInOneStatement): the like's unique key lets one of concurrent inserts through,
   * and only the insert (or delete) that changed a row moves the counter, in the same transaction, by a relative
   * `UPDATE … SET likes_count = likes_count ± 1`. The answer's count is read inside that transaction.
   */
  async function setLike(caller: Caller, target: LikeTarget, targetId: number, liked: boolean) {
    const table = target === 'post' ? tables().posts : tables().comments;
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
          await runSql(
            strapi,
            `UPDATE ?? SET likes_count = likes_count + 1${scoreUpdate(target, '+ 1')} WHERE id = ?`,
            [table, targetId]
          );
          await noteLike(strapi, { targetType: target, targetId, now });
        }
      } else {
        const { count } = await runSql(strapi, 'DELETE FROM ?? WHERE "key" = ?', [tables().likes, key]);
        if (count > 0)
          await runSql(
            strapi,
            `UPDATE ?? SET likes_count = likes_count - 1${scoreUpdate(target, '- 1')} WHERE id = ? AND likes_count > 0`,
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

  /**
   * A post's comments as `caller` reads them: a deleted comment is gone (a placeholder while replies hang under it);
   * a hidden one too, except to staff and to its author, who see it marked `isHidden`.
   */
  async function commentRows(caller: Caller, postId: number): Promise<PostCommentRow[]> {
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
      ...goneOrHidden(caller, row),
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
      if (isPostgres(strapi))
        return {
          post: { documentId: postDocumentId },
          ...(await setLikeInOneStatement(caller, 'post', postDocumentId, liked)),
        };
      const post = await publishedVisiblePostRow(strapi, caller, postDocumentId);
      return { post: { documentId: postDocumentId }, ...(await setLike(caller, 'post', post.id, liked)) };
    },

    async likeComment(caller: Caller, commentDocumentId: string, liked: boolean) {
      if (isPostgres(strapi))
        return {
          comment: { documentId: commentDocumentId },
          ...(await setLikeInOneStatement(caller, 'comment', commentDocumentId, liked)),
        };
      const comment = await visibleComment(caller, commentDocumentId);
      return {
        comment: { documentId: commentDocumentId },
        ...(await setLike(caller, 'comment', Number(comment.id), liked)),
      };
    },

    /** GET /posts/:documentId/comments: the whole thread, nested, each level oldest first. */
    async listComments(caller: Caller, postDocumentId: string) {
      const post = await publishedVisiblePostRow(strapi, caller, postDocumentId);
      const rows = await commentRows(caller, post.id);
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
        isHidden: false,
        replies: [],
      };
    },

    /**
     * DELETE /post-comments/:documentId: its author, the post's author or an admin. The comment becomes a
     * placeholder (its text erased) so replies keep their place; the post's count drops once.
     */
    async removeComment(caller: Caller, commentDocumentId: string) {
      // Its author (or staff) may still delete a hidden comment; the count already left with the hiding.
      const comment = await visibleCommentRow(strapi, caller, commentDocumentId, { includeHidden: true });
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
        // The row as the update left it: a hide committed meanwhile already lowered the count.
        const { rows } = await runSql<{ hidden_at: unknown }>(
          strapi,
          'UPDATE ?? SET deleted_at = ?, body = ? WHERE id = ? AND deleted_at IS NULL RETURNING hidden_at',
          [tables().comments, new Date(), '', comment.id]
        );
        if (rows.length > 0 && !rows[0].hidden_at)
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

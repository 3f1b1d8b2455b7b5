import type { Core } from '@strapi/strapi';
import { isAdmin, type Caller } from '../../../../../access/roles';
import { notFound, Refusal } from '../../../../../errors/refusal';
import { playbackForEntryVideo, type VideoPlayback } from '../../../../../media';
import { userExists } from '../queries/people';
import { ATTEMPT, COMMENT, findPostRow, inKnex, POST, socialTables, TAG } from '../queries/social-tables';
import { decodeCursor, encodeCursor } from '../rules/cursor';
import { assertPostShape, type PostInput, type PostStatus } from '../rules/post-input';
import { popularScore } from '../rules/visibility';
import { announceNewPost } from '../notices';
import { applyVisiblePosts, presentPosts, visiblePostRow } from './post-views';
import { profileVisibleTo } from '../../../../account/server/src/facade';

/** Tag documentIds → tag ids; any unknown one is a 400 naming `tags` (tags are made by staff, never on the fly). */
async function tagIds(strapi: Core.Strapi, documentIds: readonly string[]): Promise<string[]> {
  if (!documentIds.length) return [];
  const tags = await strapi.db
    .query(TAG)
    .findMany({ where: { documentId: { $in: [...documentIds] } }, select: ['documentId'] });
  const known = new Set(tags.map((tag: any) => tag.documentId));
  const unknown = documentIds.filter((documentId) => !known.has(documentId));
  if (unknown.length)
    throw new Refusal(`Unknown tag${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`, 'unknown_tag', {
      status: 400,
      fieldErrors: [{ path: ['tags'], message: `unknown tags: ${unknown.join(', ')}`, name: 'ValidationError' }],
    });
  return [...documentIds];
}

const mayChange = (caller: Caller, authorId: number) => isAdmin(caller) || caller.userId === authorId;

/** One page of a keyset-paginated list: the rows' ids and the cursor after the last one (null at the end). */
export interface Page {
  ids: number[];
  nextCursor: string | null;
}

export function pageOf(rows: Array<{ id: number; sort: number | string | null }>, limit: number): Page {
  const shown = rows.slice(0, limit);
  const last = shown[shown.length - 1];
  return {
    ids: shown.map((row) => Number(row.id)),
    nextCursor:
      rows.length > limit && last ? encodeCursor({ value: Number(last.sort ?? 0), id: Number(last.id) }) : null,
  };
}

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** POST /posts: the caller's post, published unless `status` says draft. */
  async create(caller: Caller, input: PostInput) {
    const status: PostStatus = input.status ?? 'published';
    assertPostShape(
      {
        kind: input.kind!,
        body: input.body ?? null,
        hasVideo: typeof input.video === 'number',
        questions: input.questions ?? null,
        status,
      },
      input
    );
    const tags = await tagIds(strapi, input.tags ?? []);
    const now = new Date();
    const isPublished = status === 'published';
    const created = await strapi.db.transaction(async () => {
      const post = await strapi.documents(POST as any).create({
        data: {
          kind: input.kind,
          title: input.title,
          body: input.body ?? null,
          video: input.video ?? null,
          tags,
          visibility: input.visibility ?? 'public',
          questions: input.kind === 'quiz' ? (input.questions ?? []) : null,
          authorId: caller.userId,
          isDraft: !isPublished,
          postedAt: isPublished ? now : null,
          postedMs: isPublished ? now.getTime() : null,
          likesCount: 0,
          commentsCount: 0,
          popularScore: isPublished ? popularScore(0, 0, now) : 0,
        } as any,
      });
      if (isPublished) await announceNewPost(strapi, { postId: (post as any).id, authorId: caller.userId! });
      return post as any;
    });
    return (await presentPosts(strapi, [created.id], caller))[0];
  },

  /** PUT /posts/:documentId: its author or an admin; publishing a draft stamps its publication time once. */
  async update(caller: Caller, documentId: string, input: PostInput) {
    const row = await visiblePostRow(strapi, caller, documentId);
    if (!mayChange(caller, Number(row.author_id)))
      throw new Refusal('Only the author or an admin may change this post', 'not_post_author', { status: 403 });
    const current: any = await strapi.db
      .query(POST)
      .findOne({ where: { id: row.id }, populate: { video: { select: ['id'] } } });
    const kind = input.kind ?? current.kind;
    const status: PostStatus = input.status ?? (current.isDraft ? 'draft' : 'published');
    assertPostShape(
      {
        kind,
        body: input.body !== undefined ? input.body : current.body,
        hasVideo: input.video !== undefined ? input.video !== null : Boolean(current.video),
        questions: input.questions ?? (Array.isArray(current.questions) ? current.questions : null),
        status,
      },
      input
    );
    const data: Record<string, unknown> = {};
    for (const field of ['kind', 'title', 'body', 'video', 'visibility'] as const)
      if (input[field] !== undefined) data[field] = input[field];
    if (input.tags !== undefined) data.tags = await tagIds(strapi, input.tags);
    if (input.questions !== undefined) data.questions = kind === 'quiz' ? input.questions : null;
    if (input.kind !== undefined && kind !== 'quiz') data.questions = null;
    if (input.kind !== undefined && kind !== 'video' && input.video === undefined) data.video = null;
    const firstPublication = status === 'published' && !current.postedMs;
    data.isDraft = status === 'draft';
    if (firstPublication) {
      const now = new Date();
      data.postedAt = now;
      data.postedMs = now.getTime();
      data.popularScore = popularScore(Number(current.likesCount ?? 0), Number(current.commentsCount ?? 0), now);
    }
    await strapi.db.transaction(async () => {
      await strapi.documents(POST as any).update({ documentId, data: data as any });
      if (firstPublication) await announceNewPost(strapi, { postId: row.id, authorId: Number(row.author_id) });
    });
    return (await presentPosts(strapi, [row.id], caller))[0];
  },

  /** DELETE /posts/:documentId: its author or an admin; its comments, likes, reports and attempts go with it. */
  async remove(caller: Caller, documentId: string) {
    const row = await visiblePostRow(strapi, caller, documentId);
    if (!mayChange(caller, Number(row.author_id)))
      throw new Refusal('Only the author or an admin may delete this post', 'not_post_author', { status: 403 });
    const tables = socialTables(strapi);
    await strapi.db.transaction(async ({ trx }) => {
      const commentIds = trx(tables.comments).select('id').where('post_id', row.id);
      await trx(tables.likes).where('target_type', 'comment').whereIn('target_id', commentIds).delete();
      await trx(tables.likes).where({ target_type: 'post', target_id: row.id }).delete();
      await trx(tables.reports).where('target_type', 'comment').whereIn('target_id', commentIds).delete();
      await trx(tables.reports).where({ target_type: 'post', target_id: row.id }).delete();
      await strapi.db.query(COMMENT).deleteMany({ where: { postId: row.id } });
      await strapi.db.query(ATTEMPT).deleteMany({ where: { postId: row.id } });
      await strapi.documents(POST as any).delete({ documentId });
    });
    return { documentId, deleted: true };
  },

  /** GET /posts/:documentId */
  async show(caller: Caller, documentId: string) {
    const row = await visiblePostRow(strapi, caller, documentId);
    return (await presentPosts(strapi, [row.id], caller))[0];
  },

  /**
   * GET /posts/:documentId/playback (contract "Media"): a video post's video for whoever may see the post (the same
   * 404 as reading it for a draft, a hidden or a followers-only post the caller may not see), signed for the caller.
   */
  async playback(caller: Caller, documentId: string, now = Date.now()): Promise<VideoPlayback> {
    const row = await visiblePostRow(strapi, caller, documentId);
    const playback =
      row.kind === 'video'
        ? await playbackForEntryVideo(strapi, { uid: POST, id: Number(row.id), field: 'video' }, caller.userId, now)
        : null;
    if (!playback) throw notFound('This post has no video', 'no_video');
    return playback;
  },

  /** GET /users/:id/posts: that user's published posts the caller may see, newest first. */
  async listByUser(caller: Caller, userId: number, cursor: unknown, limit: number) {
    // A user's page: a private profile (account settings) is unknown to others, a members-only one to visitors.
    if (!(await userExists(strapi, userId)) || !(await profileVisibleTo(strapi, caller, userId)))
      throw notFound('User not found');
    const after = decodeCursor(cursor);
    const rows = await inKnex(strapi, (knex) => {
      const query = knex(`${socialTables(strapi).posts} as p`)
        .select('p.id', { sort: 'p.posted_ms' })
        .where('p.author_id', userId);
      applyVisiblePosts(strapi, query, caller);
      if (after)
        query.where((older: any) =>
          older
            .where('p.posted_ms', '<', after.value)
            .orWhere((same: any) => same.where('p.posted_ms', after.value).where('p.id', '<', after.id))
        );
      return query
        .orderBy([
          { column: 'p.posted_ms', order: 'desc' },
          { column: 'p.id', order: 'desc' },
        ])
        .limit(limit + 1);
    });
    const page = pageOf(rows, limit);
    return { data: await presentPosts(strapi, page.ids, caller), nextCursor: page.nextCursor };
  },

  /** GET /me/posts: "my materials", drafts included, most recently created first. */
  async listMine(caller: Caller, cursor: unknown, limit: number) {
    const after = decodeCursor(cursor);
    const rows = await inKnex(strapi, (knex) => {
      const query = knex(socialTables(strapi).posts)
        .select('id', { sort: 'id' })
        .where('author_id', caller.userId)
        .whereNull('hidden_at');
      if (after) query.where('id', '<', after.id);
      return query.orderBy('id', 'desc').limit(limit + 1);
    });
    const page = pageOf(rows, limit);
    return { data: await presentPosts(strapi, page.ids, caller), nextCursor: page.nextCursor };
  },

  async exists(documentId: string) {
    return Boolean(await findPostRow(strapi, documentId));
  },
});

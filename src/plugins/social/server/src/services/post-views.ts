import type { Core } from '@strapi/strapi';
import { notFound } from '../../../../../errors/refusal';
import { assetsOfFiles, type VideoStatus } from '../../../../../media';
import type { Caller } from '../../../../../access/roles';
import { isAdmin } from '../../../../../access/roles';
import { publicPeople, type PublicPerson } from '../queries/people';
import { findPostRow, inKnex, isFollowing, LIKE, POST, socialTables, type PostRow } from '../queries/social-tables';
import { maySeePost } from '../rules/visibility';

/** A post as the API shows it: an allow-list, never a row (the questions' answer key stays out). */
export interface PostView {
  id: number;
  documentId: string;
  kind: string;
  title: string;
  body: string | null;
  /** The uploaded video (video posts) and its conversion, as the upload answer names it (`GET /videos/:assetId`). */
  video: {
    id: number;
    url: string;
    mime: string;
    name: string;
    videoAsset: { id: string; status: VideoStatus } | null;
  } | null;
  tags: Array<{ documentId: string; name: string; slug: string | null }>;
  visibility: string;
  status: 'draft' | 'published';
  publishedAt: string | null;
  createdAt: string;
  updatedAt: string;
  author: PublicPerson | null;
  likesCount: number;
  commentsCount: number;
  likedByMe: boolean;
  questionsCount?: number;
  isHidden?: boolean;
}

function presentVideo(file: any, asset: { publicId: string; status: VideoStatus } | undefined) {
  return {
    id: file.id,
    url: file.url,
    mime: file.mime,
    name: file.name,
    videoAsset: asset ? { id: asset.publicId, status: asset.status } : null,
  };
}

const iso = (value: unknown) => (value ? new Date(value as string).toISOString() : null);

/** The posts with these ids, shown to `viewerId`, in the order of `ids` (ids not found are left out). */
export async function presentPosts(
  strapi: Core.Strapi,
  ids: readonly number[],
  caller: Caller,
  extra: Map<number, Record<string, unknown>> = new Map()
): Promise<Array<PostView & Record<string, unknown>>> {
  if (!ids.length) return [];
  const posts = await strapi.db.query(POST).findMany({
    where: { id: { $in: [...ids] } },
    populate: {
      tags: { select: ['documentId', 'name', 'slug'], orderBy: { name: 'asc' } },
      video: { select: ['id', 'url', 'mime', 'name'] },
    },
  });
  const byId = new Map<number, any>(posts.map((post: any) => [post.id, post]));
  const assets = await assetsOfFiles(
    strapi,
    posts.filter((post: any) => post.video).map((post: any) => post.video.id)
  );
  const people = await publicPeople(
    strapi,
    posts.map((post: any) => post.authorId)
  );
  const liked = new Set<number>();
  if (caller.userId !== null) {
    const rows = await inKnex(strapi, (knex) =>
      knex(socialTables(strapi).likes)
        .select('target_id')
        .where({ user_id: caller.userId, target_type: 'post' })
        .whereIn('target_id', [...ids])
    );
    for (const row of rows) liked.add(Number(row.target_id));
  }
  return ids
    .filter((id) => byId.has(id))
    .map((id) => {
      const post = byId.get(id);
      const view: PostView & Record<string, unknown> = {
        id: post.id,
        documentId: post.documentId,
        kind: post.kind,
        title: post.title,
        body: post.body ?? null,
        video: post.video ? presentVideo(post.video, assets.get(post.video.id)) : null,
        tags: (post.tags ?? []).map((tag: any) => ({
          documentId: tag.documentId,
          name: tag.name,
          slug: tag.slug ?? null,
        })),
        visibility: post.visibility,
        status: post.isDraft ? 'draft' : 'published',
        publishedAt: iso(post.postedAt),
        createdAt: iso(post.createdAt)!,
        updatedAt: iso(post.updatedAt)!,
        author: people.get(post.authorId) ?? null,
        likesCount: Number(post.likesCount ?? 0),
        commentsCount: Number(post.commentsCount ?? 0),
        likedByMe: liked.has(post.id),
        ...extra.get(id),
      };
      if (post.kind === 'quiz') view.questionsCount = Array.isArray(post.questions) ? post.questions.length : 0;
      if (isAdmin(caller)) view.isHidden = Boolean(post.hiddenAt);
      return view;
    });
}

/**
 * The post the caller may see, or 404 (a draft of someone else, a followers-only post of someone they do not
 * follow, a hidden post: all look absent).
 */
export async function visiblePostRow(strapi: Core.Strapi, caller: Caller, documentId: string): Promise<PostRow> {
  const row = await findPostRow(strapi, documentId);
  if (!row) throw notFound('Post not found');
  const facts = {
    authorId: Number(row.author_id),
    isDraft: Boolean(row.is_draft),
    visibility: row.visibility,
    isHidden: Boolean(row.hidden_at),
  };
  const followsAuthor =
    facts.visibility === 'followers' && !facts.isDraft && caller.userId !== facts.authorId
      ? await isFollowing(strapi, caller.userId, facts.authorId)
      : false;
  if (!maySeePost(facts, { userId: caller.userId, isAdmin: isAdmin(caller), followsAuthor }))
    throw notFound('Post not found');
  return row;
}

/** Only published posts take likes, comments, reports and attempts: a draft is its author's workbench. */
export async function publishedVisiblePostRow(strapi: Core.Strapi, caller: Caller, documentId: string) {
  const row = await visiblePostRow(strapi, caller, documentId);
  if (row.is_draft) throw notFound('Post not found');
  return row;
}

/** A comment's row as moderation and reactions read it. */
export interface CommentRow {
  id: number;
  document_id: string;
  author_id: number | null;
  deleted_at: unknown;
  hidden_at: unknown;
  post_id: number;
  post_document_id: string;
}

/**
 * A comment the caller may act on, on a published post they may see, or 404: not deleted, and not hidden unless
 * `includeHidden` and the caller is staff or its author (who still see it, marked).
 */
export async function visibleCommentRow(
  strapi: Core.Strapi,
  caller: Caller,
  documentId: string,
  options: { includeHidden?: boolean } = {}
): Promise<CommentRow> {
  const tables = socialTables(strapi);
  const comment: CommentRow | undefined = await inKnex(strapi, (knex) =>
    knex(`${tables.comments} as c`)
      .join(`${tables.posts} as p`, 'p.id', 'c.post_id')
      .select('c.id', 'c.document_id', 'c.author_id', 'c.deleted_at', 'c.hidden_at', 'c.post_id', {
        post_document_id: 'p.document_id',
      })
      .where('c.document_id', documentId)
      .first()
  );
  if (!comment || comment.deleted_at) throw notFound('Comment not found');
  const mayStillSee = options.includeHidden && (isAdmin(caller) || caller.userId === Number(comment.author_id));
  if (comment.hidden_at && !mayStillSee) throw notFound('Comment not found');
  await publishedVisiblePostRow(strapi, caller, comment.post_document_id);
  return comment;
}

/**
 * The condition a list of posts puts on what it shows `caller` (besides its own selection): published, not
 * hidden, and public or followers-only from an author the caller follows (or is). For knex builders on the posts
 * table aliased `p`.
 */
export function applyVisiblePosts(strapi: Core.Strapi, query: any, caller: Caller) {
  const tables = socialTables(strapi);
  query.where('p.is_draft', false).whereNull('p.hidden_at');
  if (caller.userId === null) return query.where('p.visibility', 'public');
  return query.where((visible: any) =>
    visible
      .where('p.visibility', 'public')
      .orWhere('p.author_id', caller.userId)
      .orWhereExists((follows: any) =>
        follows
          .select(strapi.db.connection.raw('1'))
          .from(`${tables.follows} as f`)
          .where('f.follower_id', caller.userId)
          .whereRaw('?? = ??', ['f.followed_id', 'p.author_id'])
      )
  );
}

export { LIKE };

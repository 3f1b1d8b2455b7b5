import type { Core } from '@strapi/strapi';
import { tableOf } from '../../../../../database/tables';

export const POST = 'api::post.post';
export const COMMENT = 'api::post-comment.post-comment';
export const LIKE = 'api::post-like.post-like';
export const FOLLOW = 'api::follow.follow';
export const REPORT = 'api::post-report.post-report';
export const ATTEMPT = 'api::post-attempt.post-attempt';
export const TAG = 'api::tag.tag';
export const USER = 'plugin::users-permissions.user';

/**
 * The social tables by their content types' metadata (src/database/tables.ts), for the knex builders and statements
 * of this plugin. Their columns are this plugin's own scalar attributes in snake case (`author_id`, `posted_ms`…):
 * authors, followers and like targets are plain integer columns rather than link tables, so the feed's and the
 * likes' statements touch one table each.
 */
export function socialTables(strapi: Core.Strapi) {
  return {
    posts: tableOf(strapi, POST),
    comments: tableOf(strapi, COMMENT),
    likes: tableOf(strapi, LIKE),
    follows: tableOf(strapi, FOLLOW),
    reports: tableOf(strapi, REPORT),
    attempts: tableOf(strapi, ATTEMPT),
  };
}

/** The knex instance: the transaction's when inside `strapi.db.transaction`, so SQLite's one connection is shared. */
// Rows come back untyped from knex: callers read the columns they selected.
export async function inKnex(strapi: Core.Strapi, work: (knex: any) => unknown): Promise<any> {
  if (strapi.db.inTransaction()) return strapi.db.transaction(({ trx }) => work(trx));
  return work(strapi.db.connection);
}

/** A post's row as the rules read it (raw columns). */
export interface PostRow {
  id: number;
  document_id: string;
  author_id: number;
  kind: 'note' | 'article' | 'video' | 'quiz';
  is_draft: boolean | number;
  visibility: 'public' | 'followers';
  hidden_at: unknown;
  posted_ms: number | string | null;
  likes_count: number;
  comments_count: number;
}

export const POST_ROW_COLUMNS = [
  'id',
  'document_id',
  'author_id',
  'kind',
  'is_draft',
  'visibility',
  'hidden_at',
  'posted_ms',
  'likes_count',
  'comments_count',
];

export async function findPostRow(strapi: Core.Strapi, documentId: string): Promise<PostRow | null> {
  return inKnex(strapi, async (knex) => {
    const row = await knex(socialTables(strapi).posts)
      .select(POST_ROW_COLUMNS)
      .where('document_id', documentId)
      .first();
    return row ?? null;
  });
}

export async function isFollowing(
  strapi: Core.Strapi,
  followerId: number | null,
  followedId: number
): Promise<boolean> {
  if (followerId === null) return false;
  return inKnex(strapi, async (knex) =>
    Boolean(
      await knex(socialTables(strapi).follows)
        .select('id')
        .where({ follower_id: followerId, followed_id: followedId })
        .first()
    )
  );
}

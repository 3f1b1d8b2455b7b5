import type { Core } from '@strapi/strapi';
import type { Caller } from '../../../../../access/roles';
import { linkOf, tableOf } from '../../../../../database/tables';
import { invalidField } from '../../../../../errors/refusal';
import { inKnex, POST, socialTables, TAG } from '../queries/social-tables';
import { decodeCursor, type CursorPosition } from '../rules/cursor';
import { presentPosts } from './post-views';
import { pageOf } from './posts';

export const FEED_SORTS = ['recent', 'popular', 'recommended'] as const;
export type FeedSort = (typeof FEED_SORTS)[number];

export const feedSortParam = (value: unknown): FeedSort => {
  if (value === undefined || value === '') return 'recent';
  if (typeof value === 'string' && (FEED_SORTS as readonly string[]).includes(value)) return value as FeedSort;
  throw invalidField('sort', `sort must be one of ${FEED_SORTS.join(', ')}`);
};

/** How many of the caller's latest likes and comments make their interests. */
const INTEREST_WINDOW = 200;

/**
 * The feed is fan-in (computed at read time from follows, tags and counts), so a post or a follow shows at once and
 * nothing is copied per follower. Every sort pages by keyset over a stored value and the id, never by offset:
 * `recent` and `recommended` by publication time (new posts sort before any cursor, so they never repeat or push
 * rows between pages), `popular` by the stored popular score (rules/visibility.ts). Hidden and draft posts never
 * appear; followers-only posts only to their author's followers.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const tables = () => socialTables(strapi);

  const olderThan = (column: string, after: CursorPosition | null) => (query: any) => {
    if (after)
      query.where((older: any) =>
        older
          .where(column, '<', after.value)
          .orWhere((same: any) => same.where(column, after.value).where('p.id', '<', after.id))
      );
    return query;
  };

  const followedBy = (knex: any, userId: number) =>
    knex(tables().follows).select('followed_id').where('follower_id', userId);

  async function recent(caller: Caller, after: CursorPosition | null, limit: number) {
    return inKnex(strapi, (knex) => {
      const query = knex(`${tables().posts} as p`)
        .select('p.id', { sort: 'p.posted_ms' })
        .whereIn('p.author_id', followedBy(knex, caller.userId!))
        .where('p.is_draft', false)
        .whereNull('p.hidden_at');
      olderThan('p.posted_ms', after)(query);
      return query
        .orderBy([
          { column: 'p.posted_ms', order: 'desc' },
          { column: 'p.id', order: 'desc' },
        ])
        .limit(limit + 1);
    });
  }

  async function popular(after: CursorPosition | null, limit: number) {
    return inKnex(strapi, (knex) => {
      const query = knex(`${tables().posts} as p`)
        .select('p.id', { sort: 'p.popular_score' })
        .where('p.visibility', 'public')
        .where('p.is_draft', false)
        .whereNull('p.hidden_at');
      olderThan('p.popular_score', after)(query);
      return query
        .orderBy([
          { column: 'p.popular_score', order: 'desc' },
          { column: 'p.id', order: 'desc' },
        ])
        .limit(limit + 1);
    });
  }

  /** Tag ids of the posts the caller lately liked or commented on. */
  async function interestTagIds(userId: number): Promise<number[]> {
    const tagLink = linkOf(strapi, POST, 'tags');
    const rows = await inKnex(strapi, (knex) =>
      knex(tagLink.table)
        .distinct({ tag: tagLink.targetColumn })
        .whereIn(
          tagLink.ownColumn,
          knex
            .select('target_id')
            .from(
              knex(tables().likes)
                .select('target_id')
                .where({ user_id: userId, target_type: 'post' })
                .orderBy('id', 'desc')
                .limit(INTEREST_WINDOW)
                .as('liked')
            )
        )
        .orWhereIn(
          tagLink.ownColumn,
          knex
            .select('post_id')
            .from(
              knex(tables().comments)
                .select('post_id')
                .where('author_id', userId)
                .orderBy('id', 'desc')
                .limit(INTEREST_WINDOW)
                .as('commented')
            )
        )
    );
    return rows.map((row: any) => Number(row.tag));
  }

  async function recommended(caller: Caller, after: CursorPosition | null, limit: number, interests: number[]) {
    const tagLink = linkOf(strapi, POST, 'tags');
    const userId = caller.userId!;
    return inKnex(strapi, (knex) => {
      const query = knex(`${tables().posts} as p`)
        .select('p.id', { sort: 'p.posted_ms' })
        .where('p.is_draft', false)
        .whereNull('p.hidden_at')
        .whereNot('p.author_id', userId)
        .where((visible: any) =>
          visible.where('p.visibility', 'public').orWhereIn('p.author_id', followedBy(knex, userId))
        )
        .where((matches: any) => {
          matches.whereIn('p.author_id', followedBy(knex, userId));
          if (interests.length)
            matches.orWhereExists((tagged: any) =>
              tagged
                .select(knex.raw('1'))
                .from(`${tagLink.table} as t`)
                .whereRaw('?? = ??', [`t.${tagLink.ownColumn}`, 'p.id'])
                .whereIn(`t.${tagLink.targetColumn}`, interests)
            );
        })
        .whereNotExists((liked: any) =>
          liked
            .select(knex.raw('1'))
            .from(`${tables().likes} as l`)
            .where('l.user_id', userId)
            .where('l.target_type', 'post')
            .whereRaw('?? = ??', ['l.target_id', 'p.id'])
        );
      olderThan('p.posted_ms', after)(query);
      return query
        .orderBy([
          { column: 'p.posted_ms', order: 'desc' },
          { column: 'p.id', order: 'desc' },
        ])
        .limit(limit + 1);
    });
  }

  /** Why each recommended post is there: the first of its tags the caller is into (by name), else its author. */
  async function reasons(ids: number[], interests: number[]): Promise<Map<number, Record<string, unknown>>> {
    const reasonOf = new Map<number, Record<string, unknown>>(
      ids.map((id) => [id, { reason: { kind: 'followed_author' } }])
    );
    if (!ids.length || !interests.length) return reasonOf;
    const tagLink = linkOf(strapi, POST, 'tags');
    const rows = await inKnex(strapi, (knex) =>
      knex(`${tagLink.table} as t`)
        .join(`${tableOf(strapi, TAG)} as g`, 'g.id', `t.${tagLink.targetColumn}`)
        .select({ post: `t.${tagLink.ownColumn}` }, 'g.document_id', 'g.name', 'g.slug')
        .whereIn(`t.${tagLink.ownColumn}`, ids)
        .whereIn(`t.${tagLink.targetColumn}`, interests)
        .orderBy('g.name', 'asc')
    );
    for (const row of rows) {
      const post = Number(row.post);
      if (reasonOf.get(post)?.reason && (reasonOf.get(post)!.reason as { kind: string }).kind === 'tag') continue;
      reasonOf.set(post, {
        reason: { kind: 'tag', tag: { documentId: row.document_id, name: row.name, slug: row.slug ?? null } },
      });
    }
    return reasonOf;
  }

  return {
    /** GET /feed?sort=recent|popular|recommended&cursor=&limit= (signed in). */
    async feed(caller: Caller, sort: FeedSort, cursor: unknown, limit: number) {
      const after = decodeCursor(cursor);
      if (sort === 'recommended') {
        const interests = await interestTagIds(caller.userId!);
        const page = pageOf(await recommended(caller, after, limit, interests), limit);
        const data = await presentPosts(strapi, page.ids, caller, await reasons(page.ids, interests));
        return { data, nextCursor: page.nextCursor };
      }
      const rows = sort === 'recent' ? await recent(caller, after, limit) : await popular(after, limit);
      const page = pageOf(rows, limit);
      return { data: await presentPosts(strapi, page.ids, caller), nextCursor: page.nextCursor };
    },
  };
};

import type { Core } from '@strapi/strapi';
import { isPostgres } from '../../../../../access/raw-sql';
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

  const followedBy = (knex: any, userId: number) =>
    knex(tables().follows).select('followed_id').where('follower_id', userId);

  /**
   * One keyset page (one row more than `limit`, telling whether another page follows) of published, unhidden posts
   * by `sortColumn` then id, highest first, after the cursor; `narrow` adds the sort's own conditions. The cursor is
   * a row comparison, which PostgreSQL turns into the bounds of a backward scan of the `(sort, id)` index.
   */
  const page = (
    knex: any,
    sortColumn: 'p.posted_ms' | 'p.popular_score',
    narrow: (query: any) => void,
    after: CursorPosition | null,
    limit: number
  ) => {
    const query = knex(`${tables().posts} as p`)
      .select('p.id', { sort: sortColumn })
      .where('p.is_draft', false)
      .whereNull('p.hidden_at');
    narrow(query);
    if (after) query.whereRaw('(??, ??) < (?, ?)', [sortColumn, 'p.id', after.value, after.id]);
    return query
      .orderBy([
        { column: sortColumn, order: 'desc' },
        { column: 'p.id', order: 'desc' },
      ])
      .limit(limit + 1);
  };

  /**
   * A keyset page of the posts of the authors `userId` follows, newest first once `merged`: on PostgreSQL one page
   * per followed author (a LATERAL join down the `(author_id, posted_ms, id)` index), so at most follows × (limit + 1)
   * posts are read however many posts there are; elsewhere one page with the authors as a subquery.
   */
  const followedPosts = (
    knex: any,
    userId: number,
    narrow: (query: any) => void,
    after: CursorPosition | null,
    limit: number
  ) =>
    isPostgres(strapi)
      ? knex
          .select('fp.id', 'fp.sort')
          .from(`${tables().follows} as f`)
          .joinRaw('CROSS JOIN LATERAL (?) AS fp', [
            page(
              knex,
              'p.posted_ms',
              (query) => narrow(query.whereRaw('?? = ??', ['p.author_id', 'f.followed_id'])),
              after,
              limit
            ),
          ])
          .where('f.follower_id', userId)
      : page(
          knex,
          'p.posted_ms',
          (query) => narrow(query.whereIn('p.author_id', followedBy(knex, userId))),
          after,
          limit
        );

  /** The first page (limit + 1 rows) of candidate rows `(id, sort)`, highest first. */
  const merged = (knex: any, candidates: any, limit: number) =>
    knex
      .select('id', 'sort')
      .from(candidates.as('candidates'))
      .orderBy([
        { column: 'sort', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(limit + 1);

  const recent = (caller: Caller, after: CursorPosition | null, limit: number) =>
    inKnex(strapi, (knex) =>
      merged(
        knex,
        followedPosts(knex, caller.userId!, () => {}, after, limit),
        limit
      )
    );

  const popular = (after: CursorPosition | null, limit: number) =>
    inKnex(strapi, (knex) =>
      page(knex, 'p.popular_score', (query) => query.where('p.visibility', 'public'), after, limit)
    );

  /** Tag ids of the posts the caller lately liked or commented on (their last INTEREST_WINDOW of each). */
  async function interestTagIds(userId: number): Promise<number[]> {
    const tagLink = linkOf(strapi, POST, 'tags');
    const rows = await inKnex(strapi, (knex) =>
      knex(tagLink.table)
        .distinct({ tag: tagLink.targetColumn })
        .whereIn(
          tagLink.ownColumn,
          // One set of post ids (a union, not two ORed conditions): the link table is then read by its post index.
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
            .union((commented: any) =>
              commented
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
        )
    );
    return rows.map((row: any) => Number(row.tag));
  }

  /**
   * Recommended: two bounded streams, each a keyset page newest first, merged into one page: the posts of followed
   * authors (followers-only ones included, followedPosts), and public posts carrying a tag of the caller's interests
   * by a backward scan of the publication index that stops once a page is found (each post's tags checked through
   * the link table's post index). Neither the caller's own posts nor the ones they liked.
   */
  async function recommended(caller: Caller, after: CursorPosition | null, limit: number, interests: number[]) {
    const tagLink = linkOf(strapi, POST, 'tags');
    const userId = caller.userId!;
    return inKnex(strapi, (knex) => {
      const notOwnNorLiked = (query: any) =>
        query
          .whereNot('p.author_id', userId)
          .whereNotExists((liked: any) =>
            liked
              .select(knex.raw('1'))
              .from(`${tables().likes} as l`)
              .where('l.user_id', userId)
              .where('l.target_type', 'post')
              .whereRaw('?? = ??', ['l.target_id', 'p.id'])
          );
      const followed = followedPosts(knex, userId, notOwnNorLiked, after, limit);
      const streams = [knex.select('*').from(followed.as('followed'))];
      if (interests.length)
        streams.push(
          knex.select('*').from(
            page(
              knex,
              'p.posted_ms',
              (query) =>
                notOwnNorLiked(query.where('p.visibility', 'public')).whereExists((tagged: any) =>
                  tagged
                    .select(knex.raw('1'))
                    .from(`${tagLink.table} as t`)
                    .whereRaw('?? = ??', [`t.${tagLink.ownColumn}`, 'p.id'])
                    .whereIn(`t.${tagLink.targetColumn}`, interests)
                ),
              after,
              limit
            ).as('tagged')
          )
        );
      return merged(knex, streams.length === 1 ? streams[0] : streams[0].union(streams.slice(1)), limit);
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
        const shown = pageOf(await recommended(caller, after, limit, interests), limit);
        const data = await presentPosts(strapi, shown.ids, caller, await reasons(shown.ids, interests));
        return { data, nextCursor: shown.nextCursor };
      }
      const rows = sort === 'recent' ? await recent(caller, after, limit) : await popular(after, limit);
      const shown = pageOf(rows, limit);
      return { data: await presentPosts(strapi, shown.ids, caller), nextCursor: shown.nextCursor };
    },
  };
};

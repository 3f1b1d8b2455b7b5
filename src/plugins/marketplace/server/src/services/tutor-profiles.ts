import type { Core } from '@strapi/strapi';
import type { Caller } from '../../../../../access/roles';
import { columnOf, tableOf } from '../../../../../database/tables';
import { invalidField, notFound, Refusal, throwIfInvalid } from '../../../../../errors/refusal';
import { isUniqueViolation } from '../../../../../errors/unique-violation';
import { playbackForEntryVideo, type VideoPlayback } from '../../../../../media';
import { searchTutorUserIds } from '../search/tutor-search';
import {
  COURSE,
  inKnex,
  marketplaceTables,
  PROFILE_COLUMNS,
  stringArray,
  TAG,
  TUTOR_LANGUAGE,
  TUTOR_PROFILE,
  TUTOR_SUBJECT,
  USER,
  type TutorProfileRow,
} from '../queries/marketplace-tables';
import { tutorProfilesQuery, visibleTutorFilter, type TutorFilters } from '../queries/tutor-filters';
import type { Page } from '../../../../../access/listing';
import { missingOnCreate, type TutorListRequest, type TutorProfileInput, type TutorSort } from '../rules/profile-input';

const POST = 'api::post.post';
const FILE = 'plugin::upload.file';

interface TagCard {
  documentId: string;
  name: string;
  slug: string | null;
}

/** Two decimals, from the exact sum and count (never a float drifting over many reviews). */
export const ratingAverageOf = (sum: number, count: number): number =>
  count > 0 ? Math.round((sum / count) * 100) / 100 : 0;

/** The stored rate (a decimal column: a string on PostgreSQL, a float on SQLite) with the currency's decimals. */
function presentRate(value: unknown, currency: string | null): string | null {
  if (value === null || value === undefined || currency === null) return null;
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits;
  return Number(value).toFixed(digits ?? 2);
}

/** The user columns a public tutor card shows: never the email, flags or credentials. */
const USER_COLUMNS = (strapi: Core.Strapi) => ({
  id: 'id',
  username: columnOf(strapi, USER, 'username'),
  fullName: columnOf(strapi, USER, 'fullName'),
  bio: columnOf(strapi, USER, 'bio'),
});

/** The columns the sorts (and search's order) read: all the materialized match keeps of a profile. */
const SORT_COLUMNS = ['id', 'user_id', 'rating_average', 'rating_count', 'hourly_rate', 'experience_years'];

const SORTS: Record<Exclude<TutorSort, 'relevance'>, Array<{ column: string; order: 'asc' | 'desc' }>> = {
  rating: [
    { column: 'p.rating_average', order: 'desc' },
    { column: 'p.rating_count', order: 'desc' },
    { column: 'p.user_id', order: 'asc' },
  ],
  price: [
    { column: 'p.hourly_rate', order: 'asc' },
    { column: 'p.user_id', order: 'asc' },
  ],
  experience: [
    { column: 'p.experience_years', order: 'desc' },
    { column: 'p.user_id', order: 'asc' },
  ],
};

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** PUT /me/tutor-profile: teachers only; absent fields keep what is stored. */
  async upsert(caller: Caller, input: TutorProfileInput, now: Date) {
    if (caller.userId === null || caller.role !== 'teacher')
      throw new Refusal('Only teachers have tutor profiles', 'not_a_teacher');
    const userId = caller.userId;
    if (input.subjects) await this.checkSubjects(input.subjects);
    if (typeof input.introVideo === 'number') await this.checkIntroVideo(input.introVideo);
    const existing = await this.findRow(userId);
    if (!existing) throwIfInvalid(missingOnCreate(input));
    const data: Record<string, unknown> = { lastActiveAt: now };
    for (const field of ['headline', 'subjects', 'experienceYears', 'hourlyRate', 'currency', 'languages'] as const)
      if (input[field] !== undefined) data[field] = input[field];
    if (input.introVideo !== undefined) data.introVideo = input.introVideo;
    const write = async (documentId: string | null) =>
      strapi.db.transaction(async () => {
        if (documentId) await strapi.documents(TUTOR_PROFILE as any).update({ documentId, data } as any);
        else await strapi.documents(TUTOR_PROFILE as any).create({ data: { userId, ...data } } as any);
        if (input.subjects) await this.replaceValues(TUTOR_SUBJECT, 'tag_document_id', userId, input.subjects);
        if (input.languages) await this.replaceValues(TUTOR_LANGUAGE, 'language', userId, input.languages);
      });
    try {
      await write(existing?.document_id ?? null);
    } catch (error) {
      // Two first saves raced: the unique user_id kept one profile; this one updates it.
      if (existing || !isUniqueViolation(error)) throw error;
      const winner = await this.findRow(userId);
      if (!winner) throw error;
      await write(winner.document_id);
    }
    return this.mine(caller);
  },

  /** GET /me/tutor-profile: the caller's own profile, as the public sees it (404 before the first save). */
  async mine(caller: Caller) {
    if (caller.userId === null) throw notFound('You have no tutor profile');
    const row = await this.findRow(caller.userId);
    if (!row) throw notFound('You have no tutor profile');
    const [card] = await this.present([row]);
    return card;
  },

  /** GET /tutors: visible tutors, filtered, sorted and paged; `q` goes through search. */
  async list(viewer: Caller, request: TutorListRequest, page: Page) {
    const filters: TutorFilters = {};
    if (request.subject) filters.subjects = [request.subject];
    if (request.language) filters.languages = [request.language];
    if (request.priceMax !== null) filters.priceMax = request.priceMax;
    if (request.ratingMin !== null) filters.ratingMin = request.ratingMin;
    let ranked: number[] | null = null;
    if (request.q !== null) {
      ranked = await searchTutorUserIds(strapi, request.q);
      filters.userIds = ranked;
    }
    const { rows, total } = await inKnex(strapi, async (knex) => {
      const order = (query: any) => {
        if (request.sort === 'relevance' && ranked !== null) {
          // Search's order: the hits are few (search's page), so they are ranked here by their position.
          if (ranked.length) {
            const cases = ranked.map(() => 'WHEN ? THEN ?').join(' ');
            query.orderByRaw(
              `CASE p.user_id ${cases} END`,
              ranked.flatMap((id, index) => [id, index])
            );
          }
        } else query.orderBy(SORTS[request.sort === 'relevance' ? 'rating' : request.sort]);
        return query;
      };
      // One statement counts and pages the matching tutors. The match is computed once (a materialized CTE, so
      // PostgreSQL plans it as the count alone: from the subject's tutors by its index), and the page is a top-N
      // sort of those rows. A separate page statement was planned with its LIMIT in view and walked the whole
      // rating, rate or experience index past the tutors the filters drop (50,000 tutors: 3,000–38,000 index
      // rows for 20 answers), and it was a second planning of the same five-table filter.
      const matched = tutorProfilesQuery(strapi, knex, viewer, filters).select(
        SORT_COLUMNS.map((column) => `p.${column}`)
      );
      const pageIds = order(knex.select('p.id').from('matched as p'))
        .offset((page.page - 1) * page.pageSize)
        .limit(page.pageSize);
      const found: Array<TutorProfileRow & { matched_total: number | string }> = await order(
        knex
          .withMaterialized('matched', matched)
          .select([...PROFILE_COLUMNS.map((column) => `p.${column}`), 'counted.matched_total'])
          // The count carries the answer: a page past the end has no profile row, and still its total.
          .from(knex('matched').count({ matched_total: '*' }).as('counted'))
          .leftJoin(pageIds.as('page'), knex.raw('1'), knex.raw('1'))
          .leftJoin(`${marketplaceTables(strapi).profiles} as p`, 'p.id', 'page.id')
      );
      return {
        rows: found.filter((row) => row.id !== null),
        total: Number(found[0]?.matched_total ?? 0),
      };
    });
    return { data: await this.present(rows), total };
  },

  /** GET /tutors/:id: the public profile with published courses and the count of public posts. */
  async show(viewer: Caller, userId: number) {
    const row = await this.findVisibleRow(viewer, userId);
    const [card] = await this.present([row]);
    const [courses, postsCount] = await Promise.all([this.publishedCourses(userId), this.publicPostsCount(userId)]);
    return { ...card, courses, postsCount };
  },

  /** GET /tutors/:id/intro/playback: a public profile's intro video plays for anyone who may see the profile. */
  async introPlayback(viewer: Caller, userId: number, now = Date.now()): Promise<VideoPlayback> {
    const row = await this.findVisibleRow(viewer, userId);
    const playback = await playbackForEntryVideo(
      strapi,
      { uid: TUTOR_PROFILE, id: Number(row.id), field: 'introVideo' },
      viewer.userId,
      now
    );
    if (!playback) throw notFound('This tutor has no intro video', 'no_intro_video');
    return playback;
  },

  async findRow(userId: number): Promise<TutorProfileRow | null> {
    return inKnex(strapi, async (knex) => {
      const row = await knex(marketplaceTables(strapi).profiles)
        .select(PROFILE_COLUMNS)
        .where('user_id', userId)
        .first();
      return row ?? null;
    });
  },

  /** The profile `viewer` may see, or 404 (an unknown id, a blocked account, and later a private profile alike). */
  async findVisibleRow(viewer: Caller, userId: number): Promise<TutorProfileRow> {
    const row = await inKnex(strapi, async (knex) => {
      const query = knex(`${marketplaceTables(strapi).profiles} as p`)
        .select(PROFILE_COLUMNS.map((column) => `p.${column}`))
        .where('p.user_id', userId);
      visibleTutorFilter(strapi, viewer)(query);
      return (await query.first()) ?? null;
    });
    if (!row) throw notFound('No tutor has this id');
    return row;
  },

  /** 400 naming `subjects` when one is not a tag's documentId. */
  async checkSubjects(subjects: string[]): Promise<void> {
    const found = await strapi.db.query(TAG).findMany({
      where: { documentId: { $in: subjects } },
      select: ['documentId'],
    });
    const known = new Set(found.map((tag: { documentId: string }) => tag.documentId));
    const unknown = subjects.filter((subject) => !known.has(subject));
    if (unknown.length)
      throw invalidField('subjects', `subjects must be existing tags; unknown: ${unknown.join(', ')}`);
  },

  /** 400 naming `introVideo` when no upload has this id (whose it is and its kind: the media-field guard). */
  async checkIntroVideo(fileId: number): Promise<void> {
    const file = await strapi.db.query(FILE).findOne({ where: { id: fileId }, select: ['id'] });
    if (!file) throw invalidField('introVideo', 'introVideo must be the id of an uploaded video');
  },

  /** Replaces a tutor's subject or language rows (in the caller's transaction). */
  async replaceValues(uid: string, column: string, userId: number, values: string[]): Promise<void> {
    await inKnex(strapi, async (knex) => {
      const table = tableOf(strapi, uid);
      await knex(table).where('user_id', userId).delete();
      if (values.length === 0) return;
      const now = new Date();
      await knex(table).insert(
        values.map((value) => ({
          document_id: `${column === 'language' ? 'l' : 's'}${userId}x${value}`.slice(0, 64).toLowerCase(),
          user_id: userId,
          [column]: value,
          created_at: now,
          updated_at: now,
        }))
      );
    });
  },

  /** Public cards: the profile, the user's public name, subjects as tags; never an email or a flag. */
  async present(rows: TutorProfileRow[]) {
    if (rows.length === 0) return [];
    const userIds = rows.map((row) => row.user_id);
    const columns = USER_COLUMNS(strapi);
    const tagIds = [...new Set(rows.flatMap((row) => stringArray(row.subjects)))];
    const [users, tags, videos] = await Promise.all([
      inKnex(strapi, (knex) =>
        knex(marketplaceTables(strapi).users)
          .select({ id: columns.id, username: columns.username, fullName: columns.fullName, bio: columns.bio })
          .whereIn('id', userIds)
      ),
      tagIds.length
        ? strapi.db
            .query(TAG)
            .findMany({ where: { documentId: { $in: tagIds } }, select: ['documentId', 'name', 'slug'] })
        : Promise.resolve([]),
      strapi.db.query(TUTOR_PROFILE as any).findMany({
        where: { id: { $in: rows.map((row) => row.id) } },
        select: ['id'],
        populate: { introVideo: { select: ['id'] } },
      }),
    ]);
    const userById = new Map((users as any[]).map((user) => [Number(user.id), user]));
    const tagById = new Map((tags as TagCard[]).map((tag) => [tag.documentId, tag]));
    const withVideo = new Set(
      (videos as Array<{ id: number; introVideo?: { id: number } | null }>)
        .filter((profile) => profile.introVideo)
        .map((profile) => profile.id)
    );
    return rows.map((row) => {
      const user = userById.get(Number(row.user_id));
      const ratingCount = Number(row.rating_count ?? 0);
      return {
        id: Number(row.user_id),
        username: user?.username ?? null,
        fullName: user?.fullName ?? null,
        bio: user?.bio ?? null,
        headline: row.headline ?? null,
        subjects: stringArray(row.subjects).flatMap((documentId) => {
          const tag = tagById.get(documentId);
          return tag ? [{ documentId, name: tag.name, slug: tag.slug ?? null }] : [];
        }),
        experienceYears: Number(row.experience_years ?? 0),
        hourlyRate: presentRate(row.hourly_rate, row.currency),
        currency: row.currency ?? null,
        languages: stringArray(row.languages),
        hasIntroVideo: withVideo.has(row.id),
        ratingAverage: ratingAverageOf(Number(row.rating_sum ?? 0), ratingCount),
        ratingCount,
      };
    });
  },

  /** The tutor's published courses (one card per course, the default locale's first). */
  async publishedCourses(userId: number) {
    const rows = await strapi.db.query(COURSE).findMany({
      where: { publishedAt: { $notNull: true }, teachers: { id: userId } },
      select: ['documentId', 'title', 'slug', 'summary', 'level', 'locale', 'ratingAverage', 'ratingCount'],
      orderBy: [{ title: 'asc' }, { id: 'asc' }],
    });
    const seen = new Map<string, any>();
    for (const row of rows) if (!seen.has(row.documentId) || row.locale === 'en') seen.set(row.documentId, row);
    return [...seen.values()].map((row) => ({
      documentId: row.documentId,
      title: row.title,
      slug: row.slug ?? null,
      summary: row.summary ?? null,
      level: row.level ?? null,
      ratingAverage: Number(row.ratingAverage ?? 0),
      ratingCount: Number(row.ratingCount ?? 0),
    }));
  },

  /** Posts anyone may see (published, public, not hidden), as social's public list counts them. */
  async publicPostsCount(userId: number): Promise<number> {
    const [row] = await inKnex(strapi, (knex) =>
      knex(tableOf(strapi, POST))
        .where('author_id', userId)
        .where('is_draft', false)
        .whereNull('hidden_at')
        .where('visibility', 'public')
        .count({ count: '*' })
    );
    return Number((row as { count: number | string }).count);
  },
});

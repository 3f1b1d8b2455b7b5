import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { DEFAULT_LOCALE } from '../../../../../content/locales';
import { TEACHER_PROFILE_FIELDS } from '../../../../../api/course/profiles/teacher-profiles';
import type { Page } from '../../../../../access/listing';
import { columnOf, tableOf } from '../../../../../database/tables';
import type { Caller } from '../../../../../access/roles';
import { hiddenProfileIds, profileVisibleTo } from '../../../../account/server/src/facade';

const USER = 'plugin::users-permissions.user';
const COURSE = 'api::course.course';
const REVIEW = 'api::review.review';

interface CourseCard {
  documentId: string;
  title: string;
  slug: string | null;
  summary: string | null;
  level: string | null;
  ratingAverage: number;
  ratingCount: number;
}

const AVATAR = { avatar: { select: ['url', 'alternativeText', 'formats', 'width', 'height'] } };
// Only teachers whose account is active are shown; a blocked one is nobody's teacher.
const TEACHERS_WHERE = { role: { type: 'teacher' }, $or: [{ blocked: false }, { blocked: { $null: true } }] };

const round2 = (value: number) => Math.round(value * 100) / 100;

/**
 * Public teacher profiles: what users-permissions keeps private about a user (email, provider, flags) is
 * never selected, so it cannot leak.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** Teachers whose profile the viewer may see (account settings: a private one is hidden, members-only from visitors). */
  async list(page: Page, locale?: string, viewer: Caller = { userId: null, role: 'public' }) {
    const hidden = await hiddenProfileIds(strapi, viewer);
    const where = hidden.length ? { ...TEACHERS_WHERE, id: { $notIn: hidden } } : TEACHERS_WHERE;
    const [users, total] = await Promise.all([
      strapi.db.query(USER).findMany({
        where,
        select: [...TEACHER_PROFILE_FIELDS],
        populate: AVATAR,
        orderBy: [{ fullName: 'asc' }, { username: 'asc' }, { id: 'asc' }],
        offset: (page.page - 1) * page.pageSize,
        limit: page.pageSize,
      }),
      strapi.db.query(USER).count({ where }),
    ]);
    return { data: await this.present(users, locale), total };
  },

  /** One teacher's profile; one the viewer may not see is as unknown as a missing one (404). */
  async show(id: number, locale?: string, viewer: Caller = { userId: null, role: 'public' }) {
    if (!(await profileVisibleTo(strapi, viewer, id))) throw new errors.NotFoundError('No teacher has this id');
    const user = await strapi.db
      .query(USER)
      .findOne({ where: { id, ...TEACHERS_WHERE }, select: [...TEACHER_PROFILE_FIELDS], populate: AVATAR });
    if (!user) throw new errors.NotFoundError('No teacher has this id');
    const [profile] = await this.present([user], locale);
    return profile;
  },

  /** Profiles with their published courses and one rating over all those courses' reviews, in two queries. */
  async present(users: any[], locale?: string) {
    const ids = users.map((user) => user.id);
    const coursesByTeacher = await this.publishedCourses(ids, locale);
    const reviewTotals = await this.reviewTotals([
      ...new Set([...coursesByTeacher.values()].flat().map((course) => course.documentId)),
    ]);
    return users.map((user) => {
      const courses = coursesByTeacher.get(user.id) ?? [];
      let count = 0;
      let sum = 0;
      for (const course of courses) {
        const totals = reviewTotals.get(course.documentId);
        if (totals) {
          count += totals.count;
          sum += totals.sum;
        }
      }
      return {
        id: user.id,
        documentId: user.documentId,
        username: user.username,
        fullName: user.fullName ?? null,
        bio: user.bio ?? null,
        avatar: user.avatar
          ? {
              url: user.avatar.url,
              alternativeText: user.avatar.alternativeText ?? null,
              formats: user.avatar.formats ?? null,
            }
          : null,
        courses,
        ratingAverage: count ? round2(sum / count) : 0,
        ratingCount: count,
      };
    });
  },

  /** Each teacher's published courses, one card per course in the asked locale (else the default one). */
  async publishedCourses(teacherIds: number[], locale?: string): Promise<Map<number, CourseCard[]>> {
    const result = new Map<number, CourseCard[]>();
    if (teacherIds.length === 0) return result;
    const rows = await strapi.db.query(COURSE).findMany({
      where: { publishedAt: { $notNull: true }, teachers: { id: { $in: teacherIds } } },
      select: ['documentId', 'title', 'slug', 'summary', 'level', 'locale', 'ratingAverage', 'ratingCount'],
      populate: { teachers: { select: ['id'] } },
      orderBy: [{ title: 'asc' }, { id: 'asc' }],
    });
    const preference = (row: any) => (row.locale === locale ? 0 : row.locale === DEFAULT_LOCALE ? 1 : 2);
    const best = new Map<string, any>();
    for (const row of rows) {
      const current = best.get(row.documentId);
      if (!current || preference(row) < preference(current)) best.set(row.documentId, row);
    }
    const teachersOf = new Map<string, Set<number>>();
    for (const row of rows) {
      const set = teachersOf.get(row.documentId) ?? new Set<number>();
      for (const teacher of row.teachers ?? []) set.add(teacher.id);
      teachersOf.set(row.documentId, set);
    }
    for (const [documentId, row] of best) {
      const card: CourseCard = {
        documentId,
        title: row.title,
        slug: row.slug ?? null,
        summary: row.summary ?? null,
        level: row.level ?? null,
        ratingAverage: Number(row.ratingAverage ?? 0),
        ratingCount: Number(row.ratingCount ?? 0),
      };
      for (const teacherId of teachersOf.get(documentId) ?? []) {
        if (!teacherIds.includes(teacherId)) continue;
        result.set(teacherId, [...(result.get(teacherId) ?? []), card]);
      }
    }
    return result;
  },

  /** Count and sum of ratings per course, in one grouped query over the reviews themselves. */
  async reviewTotals(courseDocumentIds: string[]): Promise<Map<string, { count: number; sum: number }>> {
    const totals = new Map<string, { count: number; sum: number }>();
    if (courseDocumentIds.length === 0) return totals;
    const courseColumn = columnOf(strapi, REVIEW, 'courseDocumentId');
    const ratingColumn = columnOf(strapi, REVIEW, 'rating');
    const rows = await strapi.db
      .connection(tableOf(strapi, REVIEW))
      .select({ course: courseColumn })
      .count({ count: '*' })
      .sum({ sum: ratingColumn })
      .whereIn(courseColumn, courseDocumentIds)
      .groupBy(courseColumn);
    for (const row of rows as any[]) totals.set(row.course, { count: Number(row.count), sum: Number(row.sum) });
    return totals;
  },
});

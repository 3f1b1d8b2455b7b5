import type { Core } from '@strapi/strapi';
import type { Caller } from '../../../../../access/roles';
import { effectiveStatus, type EnrollmentStatus } from '../rules/enrollment-rules';
import { rememberCourseStructure } from '../../../../../access/course-structure-cache';

const ENROLLMENT = 'plugin::enrollment.enrollment';
const COURSE = 'api::course.course';
const LESSON = 'api::lesson.lesson';

interface CourseSummary {
  documentId: string;
  title: string;
  slug: string | null;
  locale: string;
}

/** Titles and slugs of courses by documentId, in the asked locale when it exists; published wins over draft. */
async function courseSummaries(
  strapi: Core.Strapi,
  documentIds: string[],
  locale?: string
): Promise<Map<string, CourseSummary>> {
  const summaries = new Map<string, CourseSummary>();
  if (documentIds.length === 0) return summaries;
  const rows = await strapi.db.query(COURSE).findMany({
    where: { documentId: { $in: documentIds } },
    select: ['documentId', 'title', 'slug', 'locale', 'publishedAt'],
  });
  const score = (row: { locale: string; publishedAt: unknown }) =>
    (row.locale === (locale ?? 'en') ? 2 : 0) + (row.publishedAt ? 1 : 0);
  for (const row of rows) {
    const current = summaries.get(row.documentId) as (CourseSummary & { publishedAt?: unknown }) | undefined;
    if (!current || score(row) > score(current as any)) summaries.set(row.documentId, row);
  }
  for (const [key, value] of summaries)
    summaries.set(key, { documentId: value.documentId, title: value.title, slug: value.slug, locale: value.locale });
  return summaries;
}

async function lessonTitles(strapi: Core.Strapi, documentIds: string[], locale?: string): Promise<Map<string, string>> {
  const titles = new Map<string, string>();
  if (documentIds.length === 0) return titles;
  const rows = await strapi.db
    .query(LESSON)
    .findMany({ where: { documentId: { $in: documentIds } }, select: ['documentId', 'title', 'locale'] });
  for (const row of rows)
    if (!titles.has(row.documentId) || row.locale === (locale ?? 'en')) titles.set(row.documentId, row.title);
  return titles;
}

const courseOfKey = (key: string) => key.slice(key.indexOf(':') + 1);

export const MANAGEABLE_COURSES_LIMIT = 500;

/** One entry per course from its rows (locales, draft and published): the asked locale's title, published if any row is. */
function summarizeCourses(rows: any[], locale?: string) {
  const byDocument = new Map<string, any>();
  for (const row of rows) {
    const entry = byDocument.get(row.documentId) ?? {
      documentId: row.documentId,
      isPublished: false,
      locales: [] as string[],
    };
    entry.isPublished ||= Boolean(row.publishedAt);
    if (!entry.locales.includes(row.locale)) entry.locales.push(row.locale);
    if (!entry.title || row.locale === (locale ?? 'en')) Object.assign(entry, { title: row.title, slug: row.slug });
    entry.studentsCount = row.studentsCount ?? 0;
    byDocument.set(row.documentId, entry);
  }
  return [...byDocument.values()].map((entry) => ({ ...entry, status: entry.isPublished ? 'published' : 'draft' }));
}

const sortByTitle = <T extends { title?: string }>(courses: T[]) =>
  courses.sort((a, b) => (a.title ?? '').localeCompare(b.title ?? ''));

/** How enrollments are shown: the contract's fields, the effective status, never another user's data. */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async present(enrollment: any, courseDocumentId: string, now: Date, locale?: string) {
    const [courses, lessons] = await Promise.all([
      // Every enrollment answers with its course's title: kept with the course structure, dropped on course writes.
      rememberCourseStructure(strapi, `course-summary:${courseDocumentId}:${locale ?? 'en'}`, () =>
        courseSummaries(strapi, [courseDocumentId], locale)
      ),
      lessonTitles(strapi, enrollment.lastLessonDocumentId ? [enrollment.lastLessonDocumentId] : [], locale),
    ]);
    return shape(enrollment, courses.get(courseDocumentId) ?? null, lessons, now);
  },

  async listForStudent(userId: number, options: { status?: EnrollmentStatus; locale?: string; now: Date }) {
    const rows = await strapi.db.query(ENROLLMENT).findMany({
      where: { user: { id: userId } },
      orderBy: { enrolledAt: 'desc' },
    });
    const visible = rows.filter((row: any) => !options.status || effectiveStatus(row, options.now) === options.status);
    const [courses, lessons] = await Promise.all([
      courseSummaries(
        strapi,
        visible.map((row: any) => courseOfKey(row.key)),
        options.locale
      ),
      lessonTitles(strapi, visible.map((row: any) => row.lastLessonDocumentId).filter(Boolean), options.locale),
    ]);
    return visible.map((row: any) => shape(row, courses.get(courseOfKey(row.key)) ?? null, lessons, options.now));
  },

  async listTeaching(userId: number, locale?: string) {
    const rows = await strapi.db.query(COURSE).findMany({
      where: { teachers: { id: userId } },
      select: ['documentId', 'title', 'slug', 'locale', 'publishedAt', 'studentsCount', 'updatedAt'],
    });
    return summarizeCourses(rows, locale);
  },

  /**
   * The courses an admin-panel page offers to pick from: a teacher's own, every course for an admin (at most
   * MANAGEABLE_COURSES_LIMIT, by title: a picker, not a catalogue).
   */
  async listManageable(caller: Caller, locale?: string) {
    if (caller.role !== 'admin')
      return caller.userId === null ? [] : sortByTitle(await this.listTeaching(caller.userId, locale));
    const documents = await strapi.db.query(COURSE).findMany({
      select: ['documentId'],
      orderBy: [{ title: 'asc' }, { id: 'asc' }],
      limit: MANAGEABLE_COURSES_LIMIT * 4,
    });
    const documentIds = [...new Set<string>(documents.map((row: { documentId: string }) => row.documentId))].slice(
      0,
      MANAGEABLE_COURSES_LIMIT
    );
    const rows = documentIds.length
      ? await strapi.db.query(COURSE).findMany({
          where: { documentId: { $in: documentIds } },
          select: ['documentId', 'title', 'slug', 'locale', 'publishedAt', 'studentsCount', 'updatedAt'],
        })
      : [];
    return sortByTitle(summarizeCourses(rows, locale));
  },

  async listStudents(courseDocumentId: string, options: { page: number; pageSize: number; now: Date }) {
    // By the course relation (indexed link table), not by the key's suffix, which no index can serve.
    const where = { course: { documentId: courseDocumentId }, status: { $ne: 'cancelled' } };
    const [rows, total] = await Promise.all([
      strapi.db.query(ENROLLMENT).findMany({
        where,
        populate: { user: { select: ['id', 'documentId', 'username', 'fullName', 'email'] } },
        orderBy: [{ enrolledAt: 'asc' }, { id: 'asc' }],
        offset: (options.page - 1) * options.pageSize,
        limit: options.pageSize,
      }),
      strapi.db.query(ENROLLMENT).count({ where }),
    ]);
    const lessons = await lessonTitles(strapi, rows.map((row: any) => row.lastLessonDocumentId).filter(Boolean));
    const data = rows.map((row: any) => ({
      // Owners see their own students' emails (the contract); nothing else of the account.
      student: row.user
        ? {
            id: row.user.id,
            documentId: row.user.documentId,
            username: row.user.username,
            fullName: row.user.fullName,
            email: row.user.email,
          }
        : null,
      status: effectiveStatus(row, options.now),
      progressPercent: row.progressPercent ?? 0,
      enrolledAt: row.enrolledAt,
      completedAt: row.completedAt,
      lastActivityAt: row.lastActivityAt,
      lastLesson: row.lastLessonDocumentId
        ? { documentId: row.lastLessonDocumentId, title: lessons.get(row.lastLessonDocumentId) ?? null }
        : null,
    }));
    return { data, total };
  },
});

function shape(row: any, course: CourseSummary | null, lessons: Map<string, string>, now: Date) {
  return {
    documentId: row.documentId,
    course,
    status: effectiveStatus(row, now),
    progressPercent: row.progressPercent ?? 0,
    enrolledAt: row.enrolledAt,
    completedAt: row.completedAt,
    accessExpiresAt: row.accessExpiresAt,
    cancelledAt: row.cancelledAt ?? null,
    lastActivityAt: row.lastActivityAt,
    lastLesson: row.lastLessonDocumentId
      ? {
          documentId: row.lastLessonDocumentId,
          title: lessons.get(row.lastLessonDocumentId) ?? null,
          positionSeconds: row.lastPositionSeconds ?? 0,
        }
      : null,
  };
}

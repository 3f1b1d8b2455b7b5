import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { Refusal } from '../errors/refusal';
import type { Caller } from './roles';
import { membership } from './membership';

const COURSE = 'api::course.course';

export type CourseContentUid =
  | 'api::lesson.lesson'
  | 'api::quiz.quiz'
  | 'api::assignment.assignment'
  | 'api::announcement.announcement'
  | 'api::question-bank.question-bank';

/**
 * Teacher ids of a course across all its rows (each locale and draft/published state is a row, and
 * relations are per row), or null when no course has that documentId.
 */
export async function findCourseTeacherIds(strapi: Core.Strapi, courseDocumentId: string): Promise<Set<number> | null> {
  const rows = await strapi.db.query(COURSE).findMany({
    where: { documentId: courseDocumentId },
    select: ['id'],
    populate: { teachers: { select: ['id'] } },
  });
  if (rows.length === 0) return null;
  const ids = new Set<number>();
  for (const row of rows) for (const teacher of (row.teachers ?? []) as Array<{ id: number }>) ids.add(teacher.id);
  return ids;
}

/** Admins own everything; a teacher owns a course when listed in its teachers. Throws 404 for an unknown course. */
export async function canManageCourse(strapi: Core.Strapi, caller: Caller, courseDocumentId: string): Promise<boolean> {
  const teacherIds = await findCourseTeacherIds(strapi, courseDocumentId);
  if (!teacherIds) throw new errors.NotFoundError('Course not found');
  if (caller.role === 'admin') return true;
  return caller.role === 'teacher' && caller.userId !== null && teacherIds.has(caller.userId);
}

export async function assertCanManageCourse(
  strapi: Core.Strapi,
  caller: Caller,
  courseDocumentId: string
): Promise<void> {
  if (!(await canManageCourse(strapi, caller, courseDocumentId))) {
    throw new Refusal('Only the teachers of this course may do this', 'not_course_owner');
  }
}

/**
 * The course a lesson, quiz, assignment, announcement or question bank belongs to, as a documentId; undefined when the
 * entry does not exist, null when it exists but names no course.
 */
export async function findCourseOfContent(
  strapi: Core.Strapi,
  uid: CourseContentUid,
  documentId: string
): Promise<string | null | undefined> {
  const populate: Record<string, unknown> = { course: { select: ['documentId'] } };
  if (uid === 'api::quiz.quiz')
    populate.lesson = { select: ['documentId'], populate: { course: { select: ['documentId'] } } };
  const rows = await strapi.db.query(uid).findMany({ where: { documentId }, select: ['id'], populate });
  if (rows.length === 0) return undefined;
  for (const row of rows) {
    const direct = row.course?.documentId ?? row.lesson?.course?.documentId;
    if (direct) return direct as string;
  }
  return null;
}

/** The course of a lesson given by documentId, for quizzes that name a lesson rather than a course. */
export async function findCourseOfLesson(strapi: Core.Strapi, lessonDocumentId: string) {
  return findCourseOfContent(strapi, 'api::lesson.lesson', lessonDocumentId);
}

/** documentIds of the courses a teacher is listed in, drafts included. */
export async function teachingCourseDocumentIds(strapi: Core.Strapi, userId: number): Promise<string[]> {
  const rows = await strapi.db.query(COURSE).findMany({ where: { teachers: { id: userId } }, select: ['documentId'] });
  return [...new Set(rows.map((row: { documentId: string }) => row.documentId))];
}

/**
 * May the caller read what is private to a course's members (lesson content, quizzes, assignments)?
 * Admins and the course's teachers always; students while enrolled.
 */
export async function isCourseMemberOrManager(
  strapi: Core.Strapi,
  caller: Caller,
  courseDocumentId: string
): Promise<boolean> {
  if (caller.role === 'admin') return true;
  if (caller.userId === null) return false;
  if (await canManageCourse(strapi, caller, courseDocumentId)) return true;
  return membership(strapi).isMember(caller.userId, courseDocumentId);
}

/** Courses whose members-only content the caller may list: taught ones and enrolled ones. */
export async function readableCourseDocumentIds(strapi: Core.Strapi, caller: Caller): Promise<string[]> {
  if (caller.userId === null) return [];
  const [taught, enrolled] = await Promise.all([
    caller.role === 'teacher' ? teachingCourseDocumentIds(strapi, caller.userId) : Promise.resolve([] as string[]),
    membership(strapi).memberCourseDocumentIds(caller.userId),
  ]);
  return [...new Set([...taught, ...enrolled])];
}

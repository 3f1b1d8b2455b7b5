import type { Core } from '@strapi/strapi';
import { TEACHER_ROLE_CODE } from '../bootstrap/admin-roles';
import { findCourseOfLesson } from './ownership';
import { Refusal } from '../errors/refusal';
import { relationDocumentIds } from './relation-input';

const COURSE_CONTENT = [
  'api::lesson.lesson',
  'api::quiz.quiz',
  'api::assignment.assignment',
  'api::announcement.announcement',
  'api::question-bank.question-bank',
];

interface AdminRequestState {
  auth?: { strategy?: { name?: string } };
  user?: { email?: string; roles?: Array<{ code?: string }> };
}

/** The email of the admin-panel user making this request when the Teacher role is all they have; else null. */
function teacherOnlyEmail(strapi: Core.Strapi): string | null {
  const state = (strapi.requestContext.get() as { state?: AdminRequestState } | undefined)?.state;
  if (state?.auth?.strategy?.name !== 'admin' || !state.user?.email) return null;
  const roles = state.user.roles ?? [];
  return roles.length > 0 && roles.every((role) => role.code === TEACHER_ROLE_CODE)
    ? state.user.email.toLowerCase()
    : null;
}

async function teaches(strapi: Core.Strapi, courseDocumentId: string, email: string): Promise<boolean> {
  const rows = await strapi.db.query('api::course.course').findMany({
    where: { documentId: courseDocumentId },
    select: ['id'],
    populate: { teachers: { select: ['email'] } },
  });
  return rows.some((row: { teachers?: Array<{ email?: string }> }) =>
    (row.teachers ?? []).some((teacher) => teacher.email?.toLowerCase() === email)
  );
}

/**
 * The "is a teacher of this course" condition filters what a Teacher reads and changes, but the content manager
 * checks create without an entry, and an update may move an entry to another course. So a lesson, quiz,
 * assignment, announcement or question bank written by an admin user who is only a Teacher may link only to courses (or, for
 * quizzes, lessons of courses) that they teach.
 */
export function guardTeacherAuthoring(strapi: Core.Strapi): void {
  strapi.documents.use(async (context, next) => {
    if (!['create', 'update'].includes(context.action) || !COURSE_CONTENT.includes(context.uid)) return next();
    const data = (context.params as { data?: Record<string, unknown> }).data;
    if (!data) return next();
    const email = teacherOnlyEmail(strapi);
    if (!email) return next();
    const courses = [...(relationDocumentIds(data.course, 'course') ?? [])];
    if (context.uid === 'api::quiz.quiz') {
      for (const lesson of relationDocumentIds(data.lesson, 'lesson') ?? []) {
        const course = await findCourseOfLesson(strapi, lesson);
        if (course) courses.push(course);
      }
    }
    for (const course of courses) {
      if (!(await teaches(strapi, course, email)))
        throw new Refusal('Only the teachers of this course may add content to it', 'not_course_owner');
    }
    return next();
  });
}

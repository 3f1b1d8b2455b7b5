import type { Core } from '@strapi/strapi';
import { enrollments } from '../../../../enrollment/server/src/facade';
import { COURSE } from '../queries/marketplace-tables';
import { TASK } from '../tasks/task-tables';

/**
 * "Verified client" (issue 26, tutor reviews): a student who completed a task with the tutor or is enrolled in one
 * of their courses. Each kind of evidence is one function; the reviews ask `isClientOf`, which takes any of them.
 */
export type ClientEvidence = (strapi: Core.Strapi, tutorId: number, studentId: number) => Promise<boolean>;

/** A member (active or completed enrollment) of one of the tutor's published courses. */
export const enrolledInTutorCourse: ClientEvidence = async (strapi, tutorId, studentId) => {
  const courses = await strapi.db.query(COURSE).findMany({
    where: { publishedAt: { $notNull: true }, teachers: { id: tutorId } },
    select: ['documentId'],
  });
  if (courses.length === 0) return false;
  const own = new Set(courses.map((course: { documentId: string }) => course.documentId));
  const memberOf = await enrollments(strapi).memberCourseDocumentIds(studentId);
  return memberOf.some((documentId) => own.has(documentId));
};

/** A task of the student's, assigned to the tutor and completed (tasks/services/tasks.ts). */
export const completedTaskWith: ClientEvidence = async (strapi, tutorId, studentId) =>
  (await strapi.db
    .query(TASK)
    .count({ where: { authorId: studentId, assignedTutorId: tutorId, status: 'completed' } })) > 0;

/** Every kind of evidence that makes a student the tutor's client. */
export const CLIENT_EVIDENCE: ClientEvidence[] = [enrolledInTutorCourse, completedTaskWith];

export async function isClientOf(strapi: Core.Strapi, tutorId: number, studentId: number): Promise<boolean> {
  if (tutorId === studentId) return false;
  for (const evidence of CLIENT_EVIDENCE) if (await evidence(strapi, tutorId, studentId)) return true;
  return false;
}

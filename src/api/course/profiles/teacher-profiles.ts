import type { Core } from '@strapi/strapi';

/** What anyone may see of a teacher: no email, no provider, no flags. */
export const TEACHER_PROFILE_FIELDS = ['id', 'documentId', 'username', 'fullName', 'bio'] as const;

/** Fills `teachers` on each course (by documentId) with public teacher profiles, in one query. */
export async function attachTeacherProfiles(
  strapi: Core.Strapi,
  courses: Array<Record<string, unknown>>
): Promise<void> {
  const documentIds = [...new Set(courses.map((course) => course.documentId as string).filter(Boolean))];
  if (documentIds.length === 0) return;
  const rows = await strapi.db.query('api::course.course').findMany({
    where: { documentId: { $in: documentIds }, publishedAt: { $notNull: true } },
    select: ['documentId'],
    populate: {
      teachers: {
        select: [...TEACHER_PROFILE_FIELDS],
        populate: { avatar: { select: ['url', 'formats', 'alternativeText'] } },
      },
    },
  });
  const byCourse = new Map<string, Map<number, Record<string, unknown>>>();
  for (const row of rows) {
    const teachers = byCourse.get(row.documentId) ?? new Map();
    for (const teacher of row.teachers ?? []) teachers.set(teacher.id, teacher);
    byCourse.set(row.documentId, teachers);
  }
  for (const course of courses) course.teachers = [...(byCourse.get(course.documentId as string)?.values() ?? [])];
}

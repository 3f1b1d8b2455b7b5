import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { canManageCourse, findCourseOfContent } from '../../../access/ownership';
import type { Caller } from '../../../access/roles';
import { lessonProgress, lessonRefusal } from '../../../plugins/progress/server/src/facade';

const LESSON = 'api::lesson.lesson';

/** Whether the caller manages the lesson's course (owners and admins read everything in it); 404 for no lesson. */
export async function managesLessonCourse(
  strapi: Core.Strapi,
  caller: Caller,
  lessonDocumentId: string
): Promise<boolean> {
  const courseDocumentId = await findCourseOfContent(strapi, LESSON, lessonDocumentId);
  if (courseDocumentId === undefined) throw new errors.NotFoundError('Lesson not found');
  return (
    caller.role === 'admin' ||
    (caller.role === 'teacher' &&
      courseDocumentId !== null &&
      (await canManageCourse(strapi, caller, courseDocumentId)))
  );
}

/** A learner reads a published lesson only as the progress rules allow: enrolled, released, unlocked, not expired. */
export async function assertLessonOpen(strapi: Core.Strapi, caller: Caller, lessonDocumentId: string): Promise<void> {
  const { decision } = await lessonProgress(strapi).checkLessonAccess(caller, lessonDocumentId, new Date());
  if (!decision.allowed) throw lessonRefusal(decision.reason, 'read');
}

/** The private part of a lesson (text, video, files), read only after the checks above. */
export async function lessonContent(
  strapi: Core.Strapi,
  lessonDocumentId: string,
  locale: string | undefined,
  status: 'draft' | 'published'
) {
  const content = await strapi.documents(LESSON).findOne({
    documentId: lessonDocumentId,
    locale,
    status,
    fields: ['content', 'videoUrl'],
    populate: { video: true, materials: true },
  });
  return {
    content: content?.content ?? null,
    videoUrl: content?.videoUrl ?? null,
    video: content?.video ?? null,
    materials: content?.materials ?? [],
  };
}

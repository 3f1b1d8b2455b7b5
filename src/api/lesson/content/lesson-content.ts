import type { Core } from '@strapi/strapi';
import { contentTypes, errors } from '@strapi/utils';
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

/**
 * A published lesson as `GET /lessons/:documentId` answers it (its public fields, then the content, video and files),
 * or null when it has no published version in this locale: the read for callers who do not manage the lesson's
 * course. One query through Strapi's query engine (the row, and its media when it has any) instead of two document
 * service reads and the output sanitiser: the response is the same, proven by tests/integration/lesson-reads.test.ts
 * against the stock controller.
 */
export async function publishedLessonForLearner(
  strapi: Core.Strapi,
  lessonDocumentId: string,
  locale: string
): Promise<Record<string, unknown> | null> {
  const row = (await strapi.db.query(LESSON).findOne({
    where: { documentId: lessonDocumentId, locale, publishedAt: { $notNull: true } },
    populate: { video: true, materials: true },
  })) as Record<string, unknown> | null;
  if (!row) return null;
  const model = strapi.getModel(LESSON);
  const data: Record<string, unknown> = {};
  // What the sanitiser would keep: every field read except the private ones (content and media come back below).
  for (const [name, value] of Object.entries(row))
    if (!contentTypes.isPrivateAttribute(model, name)) data[name] = value;
  return {
    ...data,
    content: row.content ?? null,
    videoUrl: row.videoUrl ?? null,
    video: row.video ?? null,
    materials: row.materials ?? [],
  };
}

import type { Core } from '@strapi/strapi';
import type { Caller } from '../../../access/roles';
import { notFound } from '../../../errors/refusal';
import { playbackForFile, type VideoPlayback } from '../../../media';
import { lessonProgress } from '../../../plugins/progress/server/src/facade';
import { assertLessonOpen, managesLessonCourse } from './lesson-content';

const LESSON = 'api::lesson.lesson';

export interface LessonPlayback extends VideoPlayback {
  positionSeconds: number;
}

/**
 * GET /lessons/:documentId/playback (contract "Media"): the lesson's video for whoever may read the lesson, under the
 * same checks and 403 reasons as `GET /lessons/:id` (the course's managers read drafts; everyone else a published
 * lesson the progress rules open), with the signed HLS URL and the student's saved position.
 */
export async function lessonPlayback(
  strapi: Core.Strapi,
  caller: Caller,
  lessonDocumentId: string,
  now = new Date()
): Promise<LessonPlayback> {
  const managesCourse = await managesLessonCourse(strapi, caller, lessonDocumentId);
  const lesson = await strapi.documents(LESSON).findOne({
    documentId: lessonDocumentId,
    status: managesCourse ? 'draft' : 'published',
    fields: ['id'],
    populate: { video: { fields: ['id'] } },
  });
  if (!lesson) throw notFound('Lesson not found');
  if (!managesCourse) await assertLessonOpen(strapi, caller, lessonDocumentId);
  const video = (lesson as { video?: { id: number } | null }).video;
  if (!video) throw notFound('This lesson has no video', 'no_video');
  const playback = await playbackForFile(strapi, video.id, caller.userId, now.getTime());
  const positionSeconds =
    caller.userId === null ? 0 : await lessonProgress(strapi).watchPosition(caller.userId, lessonDocumentId);
  return { ...playback, positionSeconds };
}

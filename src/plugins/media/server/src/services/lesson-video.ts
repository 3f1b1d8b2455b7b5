import type { Core } from '@strapi/strapi';
import { canManageCourse, findCourseOfContent } from '../../../../../access/ownership';
import type { Caller } from '../../../../../access/roles';
import { forbidden, notFound } from '../../../../../errors/refusal';
import { assetOfVideoFile, presentAsset, requeueConversion, type VideoAssetView } from '../../../../../media';

const LESSON = 'api::lesson.lesson';

/** What the lesson edit view's video panel shows: the lesson's (draft) video file and its conversion. */
export interface LessonVideo {
  video: { id: number; name: string; mime: string } | null;
  /** Null when the lesson has no video, or its file is not a video. */
  asset: VideoAssetView | null;
}

export interface LessonVideoTarget {
  documentId: string;
  locale?: string;
}

/**
 * The video file of the lesson version an editor edits (the draft), for the staff of its course only: a Super Admin
 * acts as an admin, a Teacher for the courses they teach (403 `not_course_owner` elsewhere), as in the API.
 */
async function editedVideoFile(strapi: Core.Strapi, caller: Caller, target: LessonVideoTarget) {
  // The rule of the lesson routes (src/api/lesson/content/lesson-content.ts: managesLessonCourse), from the core.
  const courseDocumentId = await findCourseOfContent(strapi, LESSON, target.documentId);
  if (courseDocumentId === undefined) throw notFound('Lesson not found');
  const managesCourse =
    caller.role === 'admin' ||
    (caller.role === 'teacher' &&
      courseDocumentId !== null &&
      (await canManageCourse(strapi, caller, courseDocumentId)));
  if (!managesCourse)
    throw forbidden('Only the teachers of this lesson’s course and admins see its video here', 'not_course_owner');
  const lesson = await strapi.documents(LESSON).findOne({
    documentId: target.documentId,
    status: 'draft',
    ...(target.locale ? { locale: target.locale } : {}),
    fields: ['id'],
    populate: { video: { fields: ['id', 'name', 'mime'] } },
  });
  if (!lesson) throw notFound('Lesson not found');
  const video = (lesson as { video?: { id: number; name: string; mime: string } | null }).video;
  return video ? { id: video.id, name: video.name, mime: video.mime } : null;
}

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** GET /media/lessons/:documentId/video: the video, its status, duration, renditions, poster (signed) and error. */
  async show(caller: Caller, target: LessonVideoTarget): Promise<LessonVideo> {
    const video = await editedVideoFile(strapi, caller, target);
    const asset = video ? await assetOfVideoFile(strapi, video.id) : null;
    return { video, asset: asset ? presentAsset(asset, caller.userId) : null };
  },

  /** POST /media/lessons/:documentId/video/retry: a failed conversion queued again (a ready one is left as it is). */
  async retry(caller: Caller, target: LessonVideoTarget): Promise<LessonVideo> {
    const video = await editedVideoFile(strapi, caller, target);
    const asset = video ? await assetOfVideoFile(strapi, video.id) : null;
    if (!video || !asset) throw notFound('This lesson has no video', 'no_video');
    return { video, asset: presentAsset(await requeueConversion(strapi, asset), caller.userId) };
  },
});

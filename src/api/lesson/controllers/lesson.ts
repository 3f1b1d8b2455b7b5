import { factories } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { asksForDraft, readPublishedOnly } from '../../../access/publication';
import { callerFrom } from '../../../access/roles';
import { assertLessonOpen, lessonContent, managesLessonCourse } from '../content/lesson-content';
import { lessonPlayback } from '../content/lesson-playback';

const LESSON = 'api::lesson.lesson';

/**
 * Lesson content (text, video, files) is private in the schema so that no list, populate or filter can
 * leak it; findOne adds it back for callers the progress plugin lets in (enrolled, released, unlocked).
 */
export default factories.createCoreController(LESSON, ({ strapi }) => ({
  async find(ctx) {
    if (callerFrom(ctx.state).role !== 'admin') readPublishedOnly(ctx);
    return super.find(ctx);
  },

  async findOne(ctx) {
    const caller = callerFrom(ctx.state);
    const documentId: string = ctx.params.id;
    const managesCourse = await managesLessonCourse(strapi, caller, documentId);

    if (!(managesCourse && asksForDraft(ctx)) && caller.role !== 'admin') readPublishedOnly(ctx);
    const response = (await super.findOne(ctx)) as { data: Record<string, unknown> | null } | undefined;
    if (!response?.data) throw new errors.NotFoundError('Lesson not found');

    // Drafts are read by those who manage the course; published lessons go through the progress rules.
    if (response.data.publishedAt && !managesCourse) await assertLessonOpen(strapi, caller, documentId);

    const status = response.data.publishedAt ? 'published' : 'draft';
    response.data = {
      ...response.data,
      ...(await lessonContent(strapi, documentId, response.data.locale as string | undefined, status)),
    };
    return response;
  },

  /** GET /lessons/:documentId/playback → { data: { status, hlsUrl, posterUrl, durationSeconds, positionSeconds } } */
  async playback(ctx) {
    ctx.set('Cache-Control', 'private, no-store');
    ctx.body = { data: await lessonPlayback(strapi, callerFrom(ctx.state), String(ctx.params.documentId)), meta: {} };
  },
}));

import { factories, type Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { asksForDraft, readPublishedOnly } from '../../../access/publication';
import { callerFrom } from '../../../access/roles';
import { isSupportedLocale } from '../../../content/locales';
import {
  assertLessonOpen,
  canReadLessonForLearner,
  lessonContent,
  managesLessonCourse,
  publishedLessonForLearner,
} from '../content/lesson-content';
import { lessonPlayback } from '../content/lesson-playback';

const LESSON = 'api::lesson.lesson';

/**
 * The locale of a learner's plain lesson request (no query, or only a supported `locale`), or undefined for any other
 * query, which Strapi's own findOne answers (fields, populate and the like).
 */
function plainLessonLocale(query: Record<string, unknown>): { locale?: string } | undefined {
  const names = Object.keys(query);
  if (names.length === 0) return {};
  if (names.length === 1 && isSupportedLocale(query.locale)) return { locale: query.locale };
  return undefined;
}

async function defaultLocale(strapi: Core.Strapi): Promise<string> {
  return strapi.plugin('i18n').service('locales').getDefaultLocale();
}

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
    // Students and visitors never manage a course: their plain request is the hot read (issue 24), answered
    // without the document service and the output sanitiser, in the same shape and under the same rules.
    const plain =
      caller.role === 'admin' || caller.role === 'teacher' || !canReadLessonForLearner(strapi)
        ? undefined
        : plainLessonLocale(ctx.query);
    if (plain) {
      const lesson = await publishedLessonForLearner(strapi, documentId, plain.locale ?? (await defaultLocale(strapi)));
      if (!lesson) throw new errors.NotFoundError('Lesson not found');
      await assertLessonOpen(strapi, caller, documentId);
      return { data: lesson, meta: {} };
    }
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

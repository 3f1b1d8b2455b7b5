import { factories } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { canManageCourse, findCourseOfContent } from '../../../access/ownership';
import { asksForDraft, readPublishedOnly } from '../../../access/publication';
import { Refusal } from '../../../access/refusal';
import { callerFrom } from '../../../access/roles';

const LESSON = 'api::lesson.lesson';

const LESSON_REFUSALS = {
  not_enrolled: 'Enroll in the course to read this lesson',
  access_expired: 'Your access to this course has ended',
  not_released: 'This lesson is not released yet',
  lesson_locked: 'Complete the earlier lessons first',
};

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
    const courseDocumentId = await findCourseOfContent(strapi, LESSON, documentId);
    if (courseDocumentId === undefined) throw new errors.NotFoundError('Lesson not found');
    const managesCourse = caller.role === 'admin' || (courseDocumentId !== null && (await canManageCourse(strapi, caller, courseDocumentId)));

    if (!(managesCourse && asksForDraft(ctx)) && caller.role !== 'admin') readPublishedOnly(ctx);
    const response = (await super.findOne(ctx)) as { data: Record<string, unknown> | null } | undefined;
    if (!response?.data) throw new errors.NotFoundError('Lesson not found');

    // Drafts are read by those who manage the course; published lessons go through the progress rules.
    if (response.data.publishedAt && !managesCourse) {
      const { decision } = await strapi.plugin('progress').service('progress').checkLessonAccess(caller, documentId, new Date());
      if (!decision.allowed) throw new Refusal(LESSON_REFUSALS[decision.reason as keyof typeof LESSON_REFUSALS], decision.reason);
    }

    const content = await strapi.documents(LESSON).findOne({
      documentId,
      locale: response.data.locale as string | undefined,
      status: response.data.publishedAt ? 'published' : 'draft',
      fields: ['content', 'videoUrl'],
      populate: { video: true, materials: true },
    });
    response.data = { ...response.data, content: content?.content ?? null, videoUrl: content?.videoUrl ?? null, video: content?.video ?? null, materials: content?.materials ?? [] };
    return response;
  },
}));

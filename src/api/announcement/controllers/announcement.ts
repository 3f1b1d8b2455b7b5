import { factories } from '@strapi/strapi';
import { createWithServerFields } from '../../../access/create-with-server-fields';
import { findCourseOfContent } from '../../../access/ownership';
import { callerFrom } from '../../../access/roles';
import { sanitizeRichText } from '../../../content/rich-text';

const ANNOUNCEMENT = 'api::announcement.announcement';

/** The core routes take the same sanitised HTML as POST /courses/:documentId/announcements: no way around it. */
function sanitizeBodyOf(ctx: any) {
  const data = ctx.request.body?.data;
  if (data && typeof data === 'object' && typeof data.body === 'string') data.body = sanitizeRichText(data.body);
}

export default factories.createCoreController(ANNOUNCEMENT, ({ strapi }) => ({
  async create(ctx) {
    sanitizeBodyOf(ctx);
    const caller = callerFrom(ctx.state);
    // The author is whoever posts; it is not the client's to choose.
    const response = (await createWithServerFields(strapi, this, ctx, ANNOUNCEMENT, { author: caller.userId })) as any;
    // News posted here reaches the course's students just as through POST /courses/:documentId/announcements.
    const created = response?.data;
    const courseDocumentId = created?.documentId ? await findCourseOfContent(strapi, ANNOUNCEMENT, created.documentId) : null;
    if (courseDocumentId) {
      await strapi.plugin('community')?.service('announcements').notifyStudents(courseDocumentId, { title: created.title, body: created.body }, caller.userId);
    }
    return response;
  },

  async update(ctx) {
    sanitizeBodyOf(ctx);
    return super.update(ctx);
  },
}));

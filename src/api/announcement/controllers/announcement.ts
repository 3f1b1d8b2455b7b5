import { factories } from '@strapi/strapi';
import { createWithServerFields } from '../../../access/create-with-server-fields';
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
    // The author is whoever posts; it is not the client's to choose.
    return createWithServerFields(strapi, this, ctx, ANNOUNCEMENT, { author: callerFrom(ctx.state).userId });
  },

  async update(ctx) {
    sanitizeBodyOf(ctx);
    return super.update(ctx);
  },
}));

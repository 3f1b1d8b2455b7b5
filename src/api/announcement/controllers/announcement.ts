import { factories } from '@strapi/strapi';
import { createWithServerFields } from '../../../access/create-with-server-fields';
import { findCourseOfContent } from '../../../access/ownership';
import { callerFrom } from '../../../access/roles';
import { announcements } from '../../../plugins/community/server/src/facade';

const ANNOUNCEMENT = 'api::announcement.announcement';

// Title and body are cleaned by the text policy on every write (src/content/text-policy.ts), as through
// POST /courses/:documentId/announcements: no way around it.
export default factories.createCoreController(ANNOUNCEMENT, ({ strapi }) => ({
  async create(ctx) {
    const caller = callerFrom(ctx.state);
    // The author is whoever posts; it is not the client's to choose.
    const response = (await createWithServerFields(strapi, this, ctx, ANNOUNCEMENT, { author: caller.userId })) as any;
    // News posted here reaches the course's students just as through POST /courses/:documentId/announcements.
    const created = response?.data;
    const courseDocumentId = created?.documentId
      ? await findCourseOfContent(strapi, ANNOUNCEMENT, created.documentId)
      : null;
    if (courseDocumentId) {
      await announcements(strapi).announce(courseDocumentId, created, caller.userId);
    }
    return response;
  },
}));

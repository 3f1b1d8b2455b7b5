import type { Core } from '@strapi/strapi';
import type waitlistsService from './services/waitlists';

const COURSE = 'api::course.course';

/**
 * A course write may raise its capacity (REST, the admin panel, scripts alike: a document middleware sees them all).
 * When anyone waits in the course's line, the write and the reservation of the seats it freed for the line (with the
 * promotion job) commit together; a course nobody waits for pays one indexed lookup.
 */
export function freeRaisedCapacityForWaitlists(
  strapi: Core.Strapi,
  waitlists: () => ReturnType<typeof waitlistsService>
): void {
  strapi.documents.use(async (context, next) => {
    if (context.uid !== COURSE || !['update', 'publish'].includes(context.action)) return next();
    const documentId = (context.params as { documentId?: unknown }).documentId;
    if (typeof documentId !== 'string' || !(await waitlists().hasWaiting(documentId))) return next();
    return strapi.db.transaction(async () => {
      // The seat row before the course's rows, in the order cancellations take them (no deadlock between the two).
      await waitlists().lockLine(documentId);
      const result = await next();
      await waitlists().seatsMayHaveFreed(documentId);
      return result;
    });
  });
}

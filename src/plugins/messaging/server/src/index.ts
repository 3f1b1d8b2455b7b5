import type { Core } from '@strapi/strapi';
import commentsController from './controllers/comments';
import messagesController from './controllers/messages';
import notificationsController from './controllers/notifications';
import routes from './routes';
import comments from './services/comments';
import messages from './services/messages';
import notifications from './services/notifications';

const LESSON = 'api::lesson.lesson';

const hasPublishedRow = async (strapi: Core.Strapi, documentId: string | undefined) =>
  Boolean(documentId) &&
  (await strapi.db.query(LESSON).count({ where: { documentId, publishedAt: { $notNull: true } } })) > 0;

export default {
  services: { notifications, messages, comments },
  controllers: { notifications: notificationsController, messages: messagesController, comments: commentsController },
  routes,

  register({ strapi }: { strapi: Core.Strapi }) {
    // A lesson becomes visible to students when first published (publish, or create/update with
    // status=published, from REST, the admin panel or code alike): a document middleware sees all of these,
    // where database lifecycles would see the row juggling of every re-publication.
    strapi.documents.use(async (context: any, next: () => Promise<unknown>) => {
      const isPublishing =
        context.uid === LESSON &&
        (context.action === 'publish' ||
          (['create', 'update'].includes(context.action) && context.params?.status === 'published'));
      if (!isPublishing) return next();
      const wasPublished = context.action !== 'create' && (await hasPublishedRow(strapi, context.params?.documentId));
      const result: any = await next();
      const documentId = context.params?.documentId ?? result?.documentId;
      if (!wasPublished && (await hasPublishedRow(strapi, documentId))) {
        try {
          await strapi.plugin('messaging').service('notifications').lessonPublished(documentId);
        } catch (error) {
          strapi.log.warn(`messaging: could not announce lesson ${documentId}: ${(error as Error).message}`);
        }
      }
      return result;
    });
  },

  bootstrap({ strapi }: { strapi: Core.Strapi }) {
    strapi.eventHub.on(
      'lyceum.certificate.issued',
      async (event: { userId: number; certificateDocumentId: string; courseTitle: string }) => {
        try {
          await strapi.plugin('messaging').service('notifications').certificateIssued(event);
        } catch (error) {
          strapi.log.error(
            `messaging: could not notify certificate ${event.certificateDocumentId}: ${(error as Error).message}`
          );
        }
      }
    );
  },
};

import { createId } from '@paralleldrive/cuid2';
import type { Core } from '@strapi/strapi';
import { enqueue } from '../../../../jobs';
import { deliverUnlessInTransaction } from '../../../../notifications/notice-job';
import commentsController from './controllers/comments';
import messagesController from './controllers/messages';
import notificationsController from './controllers/notifications';
import routes from './routes';
import comments from './services/comments';
import messages from './services/messages';
import notifications, { lessonNoticeJob } from './services/notifications';

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
      // The publication and the job that tells the students commit together; the notice is written before the
      // answer, as it always was.
      const { result, notice } = await strapi.db.transaction(async () => {
        const wasPublished = context.action !== 'create' && (await hasPublishedRow(strapi, context.params?.documentId));
        const published: any = await next();
        const documentId: string | undefined = context.params?.documentId ?? published?.documentId;
        const isFirstPublication = !wasPublished && (await hasPublishedRow(strapi, documentId));
        return {
          result: published,
          notice: isFirstPublication
            ? await enqueue(strapi, lessonNoticeJob, { lessonDocumentId: documentId!, deliveryId: createId() })
            : null,
        };
      });
      await deliverUnlessInTransaction(strapi, notice);
      return result;
    });
  },
};

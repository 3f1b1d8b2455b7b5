import type { Core } from '@strapi/strapi';
import { defineJob, enqueue, type EnqueuedJob } from '../jobs';
import type { NotificationMessage } from '../api/notification/services/notification';

export interface NoticeDelivery {
  /** Names this delivery: a retried job finds the notices it already wrote by it and writes none again. */
  deliveryKey: string;
  userIds: number[];
  message: NotificationMessage;
}

interface NoticeService {
  notifyMany(
    userIds: readonly number[],
    message: NotificationMessage,
    options?: { deliveryKey?: string }
  ): Promise<{ count: number }>;
}

/** `notification.send`: in-app notices (and their email copies) for the given users, written once per delivery key. */
export const noticeJob = defineJob<NoticeDelivery>('notification.send', async (strapi, delivery) => {
  const notifications = strapi.service('api::notification.notification') as unknown as NoticeService;
  await notifications.notifyMany(delivery.userIds, delivery.message, { deliveryKey: delivery.deliveryKey });
});

/** Records notices to write after the caller's transaction commits (once per delivery key). */
export const sendNotices = (strapi: Core.Strapi, delivery: NoticeDelivery): Promise<EnqueuedJob> =>
  enqueue(strapi, noticeJob, delivery, { key: delivery.deliveryKey });

/**
 * Runs a job now where the request's answer must show its effect (a notice readable right after the request that
 * caused it, as before jobs). Inside a larger transaction the job cannot see the rows it depends on until that
 * commits, so the runner delivers it then instead.
 */
export async function deliverUnlessInTransaction(strapi: Core.Strapi, job: EnqueuedJob | null): Promise<void> {
  if (job && !strapi.db.inTransaction()) await job.deliver();
}

import { defineJob } from '../../../../../jobs';
import { sendMailFromJob, type MailMessage } from '../../../../../mail/mail-job';
import { noticeJob, type NoticeDelivery } from '../../../../../notifications/notice-job';

/** What a fulfilled order tells its buyer: the receipt (when they have an address) and the in-app notice. */
export interface BuyerMessages {
  receipt: MailMessage | null;
  notice: NoticeDelivery;
}

/**
 * `commerce.tell-buyer`: a fulfilled order's notice and receipt, one job where two (`notification.send`, `mail.send`)
 * each cost the purchase a claim and a completion. Recorded with the order's fulfilment mark, once per order. The
 * notice first (written once per delivery key, so a retry writes none again), the mail last: a retry sends the
 * receipt again only when sending it is what failed, as a `mail.send` job would.
 */
export const tellBuyerJob = defineJob<BuyerMessages>('commerce.tell-buyer', async (strapi, messages) => {
  await noticeJob.run(strapi, messages.notice);
  if (messages.receipt) await sendMailFromJob(strapi, messages.receipt);
});

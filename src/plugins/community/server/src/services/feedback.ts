import type { Core } from '@strapi/strapi';
import { sendMail } from '../../../../../mail/mail-job';
import type { FeedbackInput } from '../rules/feedback-input';

const FEEDBACK = 'api::feedback.feedback';
const USER = 'plugin::users-permissions.user';

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /**
   * Stores the message and, in the same transaction, one `mail.send` job per API admin: the mails go out after
   * the answer (SMTP must not hold up the form) and are retried until they do.
   */
  async submit(input: FeedbackInput) {
    return strapi.db.transaction(async () => {
      const stored = await strapi.db
        .query(FEEDBACK)
        .create({ data: { ...input, handled: false, publishedAt: new Date() } });
      await this.emailAdmins(input, stored.documentId);
      return { documentId: stored.documentId, createdAt: stored.createdAt };
    });
  },

  async emailAdmins(input: FeedbackInput, documentId: string) {
    const admins: Array<{ email?: string | null }> = await strapi.db.query(USER).findMany({
      where: { role: { type: 'admin' }, $or: [{ blocked: false }, { blocked: { $null: true } }] },
      select: ['email'],
    });
    for (const { email } of admins) {
      if (!email) continue;
      await sendMail(
        strapi,
        {
          to: email,
          replyTo: input.email,
          subject: `Feedback from ${input.name}`,
          text: [`From: ${input.name} <${input.email}>`, '', input.message, '', `(feedback ${documentId})`].join('\n'),
        },
        { key: `feedback:${documentId}:${email}` }
      );
    }
  },
});

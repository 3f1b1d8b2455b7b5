import type { Core } from '@strapi/strapi';
import type { FeedbackInput } from '../rules/feedback-input';

const FEEDBACK = 'api::feedback.feedback';
const USER = 'plugin::users-permissions.user';

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** Stores the message, then emails every API admin. Mail goes out after the answer: SMTP must not hold up the form. */
  async submit(input: FeedbackInput) {
    const stored = await strapi.db
      .query(FEEDBACK)
      .create({ data: { ...input, handled: false, publishedAt: new Date() } });
    this.emailAdmins(input, stored.documentId).catch((error: Error) =>
      strapi.log.warn(`community: feedback ${stored.documentId} was not emailed: ${error.message}`)
    );
    return { documentId: stored.documentId, createdAt: stored.createdAt };
  },

  async emailAdmins(input: FeedbackInput, documentId: string) {
    const admins = await strapi.db.query(USER).findMany({
      where: { role: { type: 'admin' }, $or: [{ blocked: false }, { blocked: { $null: true } }] },
      select: ['email'],
    });
    const results = await Promise.allSettled(
      admins
        .filter((admin: { email?: string }) => admin.email)
        .map((admin: { email: string }) =>
          strapi
            .plugin('email')
            .service('email')
            .send({
              to: admin.email,
              replyTo: input.email,
              subject: `Feedback from ${input.name}`,
              text: [`From: ${input.name} <${input.email}>`, '', input.message, '', `(feedback ${documentId})`].join(
                '\n'
              ),
            })
        )
    );
    for (const result of results) {
      if (result.status === 'rejected')
        strapi.log.warn(`community: feedback ${documentId} was not emailed: ${(result.reason as Error)?.message}`);
    }
  },
});

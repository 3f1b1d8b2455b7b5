import { createId } from '@paralleldrive/cuid2';
import { factories } from '@strapi/strapi';

const NOTIFICATION = 'api::notification.notification';
/** Rows per INSERT: far below SQLite's and PostgreSQL's parameter limits. */
const CHUNK = 500;

export type NotificationType =
  | 'grade_posted'
  | 'certificate_issued'
  | 'new_lesson'
  | 'new_announcement'
  | 'comment_reply'
  | 'new_message'
  | 'broadcast'
  | 'enrollment';

export interface NotificationMessage {
  type: NotificationType;
  title: string;
  body?: string | null;
  link?: string | null;
}

const clip = (value: string | null | undefined, length: number) => (value ? value.slice(0, length) : null);

/**
 * In-app notifications. Every event that tells a user something goes through `notify` or `notifyMany`,
 * so delivery (and later an email copy) lives in one place.
 */
export default factories.createCoreService(NOTIFICATION, ({ strapi }) => ({
  async notify(userId: number, message: NotificationMessage) {
    const { count } = await this.notifyMany([userId], message);
    return count;
  },

  /**
   * The same message to many users in a few statements (a broadcast to a whole school must not be one
   * query per user): rows in chunks, then their user links in chunks, in one transaction.
   */
  async notifyMany(userIds: readonly number[], message: NotificationMessage): Promise<{ count: number }> {
    const recipients = [...new Set(userIds)];
    if (recipients.length === 0) return { count: 0 };
    const now = new Date();
    const link = strapi.db.metadata.get(NOTIFICATION).attributes.user as any;
    const joinTable = link.joinTable;
    const row = {
      type: message.type,
      title: clip(message.title, 200),
      body: clip(message.body, 5000),
      link: clip(message.link, 500),
      readAt: null,
      publishedAt: now,
    };

    await strapi.db.transaction(async ({ trx }) => {
      for (let start = 0; start < recipients.length; start += CHUNK) {
        const chunk = recipients.slice(start, start + CHUNK);
        const { ids } = await strapi.db.query(NOTIFICATION).createMany({
          data: chunk.map(() => ({ ...row, documentId: createId() })),
        });
        const links = chunk.map((userId, index) => ({
          [joinTable.joinColumn.name]: ids[index],
          [joinTable.inverseJoinColumn.name]: userId,
          ...(joinTable.inverseOrderColumnName ? { [joinTable.inverseOrderColumnName]: 1 } : {}),
        }));
        await strapi.db.getConnection(joinTable.name).transacting(trx).insert(links);
      }
    });
    await this.sendEmailCopies(recipients, message);
    return { count: recipients.length };
  },

  /**
   * An email copy for the recipients who turned `emailNotifications` on: one query per chunk finds them (most
   * users have it off, so a broadcast sends few mails). A failed mail is logged, never undoes the notice.
   */
  async sendEmailCopies(userIds: readonly number[], message: NotificationMessage) {
    const email = strapi.plugin('email')?.service('email');
    if (!email) return;
    const text = [message.body, message.link ? `${message.link}` : null].filter(Boolean).join('\n\n') || message.title;
    for (let start = 0; start < userIds.length; start += CHUNK) {
      const subscribers: Array<{ email: string; blocked: boolean | null }> = await strapi.db.query('plugin::users-permissions.user').findMany({
        where: { id: { $in: userIds.slice(start, start + CHUNK) }, emailNotifications: true },
        select: ['email', 'blocked'],
      });
      for (const subscriber of subscribers.filter((user) => !user.blocked)) {
        try {
          await email.send({ to: subscriber.email, subject: clip(message.title, 200)!, text });
        } catch (error) {
          strapi.log.warn(`notifications: could not email a copy to a user: ${(error as Error).message}`);
        }
      }
    }
  },
}));

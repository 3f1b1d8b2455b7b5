import { createId } from '@paralleldrive/cuid2';
import { factories } from '@strapi/strapi';
import { isPostgres, runSql } from '../../../access/raw-sql';
import { linkOf, tableOf } from '../../../database/tables';

const NOTIFICATION = 'api::notification.notification';
const USER = 'plugin::users-permissions.user';
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

type NotificationRow = { type: NotificationType; title: string | null; body: string | null; link: string | null };
/** A recipient who asked for email copies. */
type Subscriber = { email: string; blocked: boolean | null };

/**
 * A PostgreSQL array as text ('{"a","b"}'): knex spreads an array value into a list of values, so arrays are
 * bound as text and cast. The elements here are ids (letters and digits), which JSON quotes as PostgreSQL does.
 */
const arrayLiteral = (values: ReadonlyArray<string | number>) =>
  `{${values.map((value) => JSON.stringify(String(value))).join(',')}}`;

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
   * query per user): rows and their user links in chunks, all in one transaction. On PostgreSQL a chunk is
   * one statement that also answers who wants an email copy: a course completion notifies its student in
   * one round trip.
   */
  async notifyMany(userIds: readonly number[], message: NotificationMessage): Promise<{ count: number }> {
    const recipients = [...new Set(userIds)];
    if (recipients.length === 0) return { count: 0 };
    const now = new Date();
    const row = {
      type: message.type,
      title: clip(message.title, 200),
      body: clip(message.body, 5000),
      link: clip(message.link, 500),
    };
    const chunks = Array.from({ length: Math.ceil(recipients.length / CHUNK) }, (_, index) =>
      recipients.slice(index * CHUNK, (index + 1) * CHUNK)
    );
    const subscribers: Subscriber[] = [];
    const deliver = async () => {
      for (const chunk of chunks)
        subscribers.push(
          ...(await (isPostgres(strapi)
            ? this.insertWithStatement(chunk, row, now)
            : this.insertWithQueryEngine(chunk, row, now)))
        );
    };
    // One chunk is one statement on PostgreSQL, atomic by itself.
    if (chunks.length === 1 && isPostgres(strapi)) await deliver();
    else await strapi.db.transaction(deliver);
    await this.sendEmailCopies(subscribers, message);
    return { count: recipients.length };
  },

  async insertWithStatement(userIds: number[], row: NotificationRow, now: Date): Promise<Subscriber[]> {
    const link = linkOf(strapi, NOTIFICATION, 'user');
    const { rows } = await runSql<Subscriber>(
      strapi,
      `WITH recipient AS (SELECT * FROM unnest(CAST(? AS varchar[]), CAST(? AS integer[])) AS r(document_id, user_id)),
       created AS (INSERT INTO ?? (document_id, type, title, body, link, created_at, updated_at, published_at)
         SELECT document_id, ?, ?, ?, ?, ?, ?, ? FROM recipient RETURNING id, document_id),
       linked AS (INSERT INTO ?? (??, ??) SELECT created.id, recipient.user_id FROM created JOIN recipient USING (document_id))
       SELECT email, blocked FROM ?? WHERE id = ANY(CAST(? AS integer[])) AND email_notifications = true`,
      [
        arrayLiteral(userIds.map(() => createId())),
        arrayLiteral(userIds),
        tableOf(strapi, NOTIFICATION),
        row.type,
        row.title,
        row.body,
        row.link,
        now,
        now,
        now,
        link.table,
        link.ownColumn,
        link.targetColumn,
        tableOf(strapi, USER),
        arrayLiteral(userIds),
      ]
    );
    return rows;
  },

  /** SQLite: the rows, their links, then who wants a copy (in-process, so the round trips cost little). */
  async insertWithQueryEngine(userIds: number[], row: NotificationRow, now: Date): Promise<Subscriber[]> {
    const link = linkOf(strapi, NOTIFICATION, 'user');
    const { ids } = await strapi.db.query(NOTIFICATION).createMany({
      data: userIds.map(() => ({ ...row, readAt: null, publishedAt: now, documentId: createId() })),
    });
    await runSql(strapi, `INSERT INTO ?? (??, ??) VALUES ${userIds.map(() => '(?, ?)').join(', ')}`, [
      link.table,
      link.ownColumn,
      link.targetColumn,
      ...userIds.flatMap((userId, index) => [ids[index], userId]),
    ]);
    return strapi.db
      .query(USER)
      .findMany({ where: { id: { $in: userIds }, emailNotifications: true }, select: ['email', 'blocked'] });
  },

  /**
   * An email copy for the recipients who turned `emailNotifications` on (most users have it off, so a
   * broadcast sends few mails). A failed mail is logged, never undoes the notice.
   */
  async sendEmailCopies(subscribers: readonly Subscriber[], message: NotificationMessage) {
    const email = strapi.plugin('email')?.service('email');
    if (!email) return;
    const text = [message.body, message.link ? `${message.link}` : null].filter(Boolean).join('\n\n') || message.title;
    for (const subscriber of subscribers.filter((user) => !user.blocked)) {
      try {
        await email.send({ to: subscriber.email, subject: clip(message.title, 200)!, text });
      } catch (error) {
        strapi.log.warn(`notifications: could not email a copy to a user: ${(error as Error).message}`);
      }
    }
  },
}));

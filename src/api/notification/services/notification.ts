import { createHash } from 'crypto';
import { createId } from '@paralleldrive/cuid2';
import { factories } from '@strapi/strapi';
import { sendMail } from '../../../mail/mail-job';
import { hasGenericEmailCopy } from '../../../notifications/channels';
import { arrayLiteral, isPostgres, runSql } from '../../../access/raw-sql';
import { linkOf, tableOf } from '../../../database/tables';
import { enqueuePushes, isWebPushConfigured, notificationChannels } from '../../../plugins/account/server/src/facade';

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
  | 'enrollment'
  | 'order_paid'
  | 'waitlist_offer'
  | 'post_liked'
  | 'comment_liked'
  | 'post_commented'
  | 'new_follower'
  | 'new_post'
  | 'new_offer'
  | 'offer_accepted'
  | 'offer_declined'
  | 'task_completed'
  | 'support_reply';

export interface NotificationMessage {
  type: NotificationType;
  title: string;
  body?: string | null;
  link?: string | null;
}

type NotificationRow = { type: NotificationType; title: string | null; body: string | null; link: string | null };
/** A user to notify and the documentId their notice gets. */
type Recipient = { userId: number; documentId: string };
/** A recipient who may get an email copy. */
type Subscriber = { email: string; blocked: boolean | null };

/**
 * A PostgreSQL array as text ('{"a","b"}'): knex spreads an array value into a list of values, so arrays are
 * bound as text and cast. The elements here are ids (letters and digits), which JSON quotes as PostgreSQL does.
 */
/** A notice's documentId from its delivery and user: lowercase letters and digits, like a generated one. */
const noticeDocumentId = (deliveryKey: string, userId: number) =>
  `n${createHash('sha256').update(`${deliveryKey}\n${userId}`).digest('hex').slice(0, 23)}`;

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
   * query per user): rows and their user links in chunks, and the email copies' jobs, all in one transaction
   * (the caller's when there is one: a grade and its notice commit together). With a `deliveryKey` (a job
   * delivering notices) each notice's documentId follows from the key and the user, so a retried delivery finds
   * its notices already written and writes none again; the unique documentId settles two deliveries at once.
   */
  async notifyMany(
    userIds: readonly number[],
    message: NotificationMessage,
    options: { deliveryKey?: string } = {}
  ): Promise<{ count: number }> {
    const recipients = [...new Set(userIds)];
    if (recipients.length === 0) return { count: 0 };
    const now = new Date();
    const row = {
      type: message.type,
      title: clip(message.title, 200),
      body: clip(message.body, 5000),
      link: clip(message.link, 500),
    };
    const { deliveryKey } = options;
    const documentIdOf = (userId: number) => (deliveryKey ? noticeDocumentId(deliveryKey, userId) : createId());
    const chunks = Array.from({ length: Math.ceil(recipients.length / CHUNK) }, (_, index) =>
      recipients.slice(index * CHUNK, (index + 1) * CHUNK)
    );
    // Who is told how: each recipient's settings for this kind (the account plugin): in the app, an email copy, web
    // push. Reads only, before the writes' transaction.
    const people: Array<Subscriber & { id: number; emailNotifications: boolean | null }> = [];
    for (const chunk of chunks)
      people.push(
        ...(await strapi.db.query(USER).findMany({
          where: { id: { $in: chunk } },
          select: ['id', 'email', 'blocked', 'emailNotifications'],
        }))
      );
    const emailCopies = new Map(people.map((person) => [Number(person.id), person.emailNotifications === true]));
    const channels = await notificationChannels(strapi, recipients, message.type, (id) => !!emailCopies.get(id));
    const inApp = recipients.filter((id) => channels.get(id)?.inApp !== false);
    const withIds = (userIds: readonly number[]) =>
      userIds.map((userId) => ({ userId, documentId: documentIdOf(userId) }));
    // A kind with a mail of its own (a certificate, a support reply…) or a receipt gets that mail, not a copy too.
    // A blocked account gets neither a copy nor a push.
    const subscribers = hasGenericEmailCopy(message.type)
      ? people.filter((person) => channels.get(Number(person.id))?.email && person.email && !person.blocked)
      : [];
    const blocked = new Set(people.filter((person) => person.blocked).map((person) => Number(person.id)));
    const pushed = isWebPushConfigured() ? recipients.filter((id) => channels.get(id)?.push && !blocked.has(id)) : [];
    // The usual notice (a purchase's, a reply's: a few recipients, no email copy, no push to send) has one write: on
    // PostgreSQL that is one statement with no transaction around it, which also skips a delivery already written (its
    // first notice, by documentId), as the look below does.
    const isOneWrite =
      isPostgres(strapi) &&
      inApp.length > 0 &&
      inApp.length <= CHUNK &&
      subscribers.length === 0 &&
      pushed.length === 0;
    if (isOneWrite) {
      await this.insertWithStatement(withIds(inApp), row, now, deliveryKey ? documentIdOf(inApp[0]) : undefined);
      return { count: recipients.length };
    }
    await strapi.db.transaction(async () => {
      if (deliveryKey) {
        const marker = inApp[0] ?? recipients[0];
        if ((await strapi.db.query(NOTIFICATION).count({ where: { documentId: documentIdOf(marker) } })) > 0) return;
      }
      for (let index = 0; index < inApp.length; index += CHUNK) {
        const recipientsWithIds = withIds(inApp.slice(index, index + CHUNK));
        await (isPostgres(strapi)
          ? this.insertWithStatement(recipientsWithIds, row, now)
          : this.insertWithQueryEngine(recipientsWithIds, row, now));
      }
      await this.sendEmailCopies(subscribers, message, deliveryKey);
      await enqueuePushes(
        strapi,
        pushed,
        { type: message.type, title: row.title ?? '', body: row.body, link: row.link },
        deliveryKey
      );
    });
    return { count: recipients.length };
  },

  /**
   * PostgreSQL: the rows and their links in one statement. `unlessWritten`: a notice's documentId; nothing is written
   * when it exists already (a delivery written before).
   */
  async insertWithStatement(
    recipients: Recipient[],
    row: NotificationRow,
    now: Date,
    unlessWritten?: string
  ): Promise<void> {
    const userIds = recipients.map((recipient) => recipient.userId);
    const link = linkOf(strapi, NOTIFICATION, 'user');
    const guard = unlessWritten === undefined ? '' : ' WHERE NOT EXISTS (SELECT 1 FROM ?? WHERE document_id = ?)';
    await runSql(
      strapi,
      `WITH recipient AS (SELECT * FROM unnest(CAST(? AS varchar[]), CAST(? AS integer[])) AS r(document_id, user_id)${guard}),
       created AS (INSERT INTO ?? (document_id, type, title, body, link, created_at, updated_at, published_at)
         SELECT document_id, ?, ?, ?, ?, ?, ?, ? FROM recipient RETURNING id, document_id),
       linked AS (INSERT INTO ?? (??, ??) SELECT created.id, recipient.user_id FROM created JOIN recipient USING (document_id)
         RETURNING 1)
       SELECT count(*) AS count FROM linked`,
      [
        arrayLiteral(recipients.map((recipient) => recipient.documentId)),
        arrayLiteral(userIds),
        ...(unlessWritten === undefined ? [] : [tableOf(strapi, NOTIFICATION), unlessWritten]),
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
      ]
    );
  },

  /** SQLite: the rows, their links, then who wants a copy (in-process, so the round trips cost little). */
  async insertWithQueryEngine(recipients: Recipient[], row: NotificationRow, now: Date): Promise<void> {
    const userIds = recipients.map((recipient) => recipient.userId);
    const link = linkOf(strapi, NOTIFICATION, 'user');
    const { ids } = await strapi.db.query(NOTIFICATION).createMany({
      data: recipients.map(({ documentId }) => ({ ...row, readAt: null, publishedAt: now, documentId })),
    });
    await runSql(strapi, `INSERT INTO ?? (??, ??) VALUES ${userIds.map(() => '(?, ?)').join(', ')}`, [
      link.table,
      link.ownColumn,
      link.targetColumn,
      ...userIds.flatMap((userId, index) => [ids[index], userId]),
    ]);
  },

  /**
   * An email copy for the recipients whose settings ask for one for this kind (by default the profile's
   * `emailNotifications`, off for most users, so a broadcast sends few mails; blocked accounts left out by notifyMany):
   * one `mail.send` job each, recorded with the notices.
   */
  async sendEmailCopies(subscribers: readonly Subscriber[], message: NotificationMessage, deliveryKey?: string) {
    const text = [message.body, message.link ? `${message.link}` : null].filter(Boolean).join('\n\n') || message.title;
    for (const subscriber of subscribers) {
      await sendMail(
        strapi,
        { to: subscriber.email, subject: clip(message.title, 200)!, text },
        deliveryKey ? { key: `notice-copy:${deliveryKey}:${subscriber.email}` } : {}
      );
    }
  },
}));

import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { teachingCourseDocumentIds } from '../../../../../access/ownership';
import { Refusal } from '../../../../../errors/refusal';
import type { Caller } from '../../../../../access/roles';
import { columnOf, linkOf, tableOf } from '../../../../../database/tables';
import { joinedByContactSource } from '../contact-sources';
import { mayMessage } from '../rules/messaging-rules';
import { enrollments } from '../../../../enrollment/server/src/facade';
import { isStaffUser, messageAudienceOf } from '../../../../account/server/src/facade';

const MESSAGE = 'api::message.message';
const USER = 'plugin::users-permissions.user';
const CHUNK = 500;

const PERSON_FIELDS = ['id', 'username', 'fullName'];
const MESSAGE_FIELDS = ['id', 'documentId', 'body', 'readAt', 'createdAt'];

/** Another user as a conversation shows them: never their email. */
export const presentPerson = (user: any) => ({ id: user.id, username: user.username, fullName: user.fullName ?? null });

export const presentMessage = (row: any) => ({
  id: row.id,
  documentId: row.documentId,
  body: row.body,
  sender: row.sender ? presentPerson(row.sender) : null,
  recipient: row.recipient ? presentPerson(row.recipient) : null,
  readAt: row.readAt ?? null,
  createdAt: row.createdAt,
});

const between = (a: number, b: number) => ({
  $or: [
    { sender: { id: a }, recipient: { id: b } },
    { sender: { id: b }, recipient: { id: a } },
  ],
});

/** Direct messages. The caller is always one side of what they read: nobody reads other people's conversations. */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async findOtherUser(callerId: number, otherUserId: number) {
    if (otherUserId === callerId) {
      throw new errors.ValidationError('You cannot message yourself', {
        errors: [{ path: ['userId'], message: 'userId must be another user', name: 'ValidationError' }],
      });
    }
    const other = await strapi.db.query(USER).findOne({
      where: { id: otherUserId },
      select: [...PERSON_FIELDS, 'blocked'],
      populate: { role: { select: ['type'] } },
    });
    if (!other) throw new errors.NotFoundError('No user has this id');
    return other;
  },

  /**
   * The recipient's choice first (account settings, `allowMessagesFrom`): `nobody` refuses everyone, `everyone`
   * lets anyone write; admins and support staff are never refused. Else the facts `mayMessage` decides on, from
   * enrollments, teaching lists, earlier messages and other plugins' contacts: refused as `messages_not_allowed` when the recipient chose
   * `contacts`, as `not_a_contact` when that is only the default.
   */
  async assertMayMessage(caller: Caller, recipientId: number) {
    if (caller.role === 'admin') return;
    const senderId = caller.userId!;
    const { audience, chosen } = await messageAudienceOf(strapi, recipientId);
    if (audience === 'everyone') return;
    if (audience === 'nobody') {
      if (await isStaffUser(strapi, senderId)) return;
      throw new Refusal('This user does not accept messages', 'messages_not_allowed');
    }
    const [senderTeaches, senderEnrolledIn, recipientTeaches, recipientEnrolledIn, written] = await Promise.all([
      teachingCourseDocumentIds(strapi, senderId),
      enrollments(strapi).memberCourseDocumentIds(senderId),
      teachingCourseDocumentIds(strapi, recipientId),
      enrollments(strapi).memberCourseDocumentIds(recipientId),
      strapi.db.query(MESSAGE).count({ where: { sender: { id: recipientId }, recipient: { id: senderId } } }),
    ]);
    const facts = {
      senderRole: caller.role,
      senderTeaches,
      senderEnrolledIn,
      recipientTeaches,
      recipientEnrolledIn,
      recipientHasWrittenToSender: written > 0,
    };
    // Other plugins' contacts (an accepted task offer) are asked only when courses and earlier messages do not
    // already allow it.
    const allowed =
      mayMessage(facts) ||
      mayMessage({ ...facts, isJoinedElsewhere: await joinedByContactSource(strapi, senderId, recipientId) });
    if (allowed || (await isStaffUser(strapi, senderId))) return;
    if (chosen) throw new Refusal('This user accepts messages from their contacts only', 'messages_not_allowed');
    throw new Refusal('You may message the teachers of your courses and your students only', 'not_a_contact');
  },

  async send(caller: Caller, recipientId: number, body: string, now: Date) {
    const senderId = caller.userId!;
    const recipient = await this.findOtherUser(senderId, recipientId);
    await this.assertMayMessage(caller, recipientId);
    // The message and the recipient's notice (with its email copy's job) commit together.
    const created = await strapi.db.transaction(async () => {
      const message = await strapi.db.query(MESSAGE).create({
        data: { sender: senderId, recipient: recipientId, body, publishedAt: now },
        select: MESSAGE_FIELDS,
        populate: { sender: { select: PERSON_FIELDS }, recipient: { select: PERSON_FIELDS } },
      });
      const sender =
        message.sender ?? (await strapi.db.query(USER).findOne({ where: { id: senderId }, select: PERSON_FIELDS }));
      await strapi
        .plugin('messaging')
        .service('notifications')
        .deliver([recipient.id], {
          type: 'new_message',
          title: `New message from ${sender.fullName || sender.username}`.slice(0, 200),
          body: null,
          link: `/conversations/${senderId}`,
        });
      return message;
    });
    return presentMessage(created);
  },

  /** The conversation with one user, oldest first by pages; what they sent the caller is marked read now. */
  async conversation(callerId: number, otherUserId: number, options: { page: number; pageSize: number; now: Date }) {
    await this.findOtherUser(callerId, otherUserId);
    const unread: Array<{ id: number }> = await strapi.db.query(MESSAGE).findMany({
      where: { sender: { id: otherUserId }, recipient: { id: callerId }, readAt: { $null: true } },
      select: ['id'],
    });
    for (let start = 0; start < unread.length; start += CHUNK) {
      const ids = unread.slice(start, start + CHUNK).map((row) => row.id);
      await strapi.db
        .query(MESSAGE)
        .updateMany({ where: { id: { $in: ids }, readAt: { $null: true } }, data: { readAt: options.now } });
    }
    const where = between(callerId, otherUserId);
    const [rows, total] = await Promise.all([
      strapi.db.query(MESSAGE).findMany({
        where,
        select: MESSAGE_FIELDS,
        populate: { sender: { select: PERSON_FIELDS }, recipient: { select: PERSON_FIELDS } },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        offset: (options.page - 1) * options.pageSize,
        limit: options.pageSize,
      }),
      strapi.db.query(MESSAGE).count({ where }),
    ]);
    return {
      messages: rows.map(presentMessage),
      pagination: {
        page: options.page,
        pageSize: options.pageSize,
        pageCount: Math.ceil(total / options.pageSize),
        total,
      },
    };
  },

  /**
   * Everyone the caller has exchanged messages with, latest conversation first, with the last message and
   * the number unread. Grouped in the database (one row per other person), so a long history is not loaded:
   * then the last messages themselves by id.
   */
  async conversations(callerId: number, options: { page: number; pageSize: number }) {
    const senderLink = linkOf(strapi, MESSAGE, 'sender');
    const recipientLink = linkOf(strapi, MESSAGE, 'recipient');
    const readAtColumn = columnOf(strapi, MESSAGE, 'readAt');
    const knex = strapi.db.connection;
    const senderColumn = `s.${senderLink.targetColumn}`;
    const recipientColumn = `r.${recipientLink.targetColumn}`;
    // One row per message of the caller's, naming the other person and whether it waits unread for the caller.
    const pairs = knex
      .select({
        id: 'm.id',
        otherId: knex.raw('case when ?? = ? then ?? else ?? end', [
          senderColumn,
          callerId,
          recipientColumn,
          senderColumn,
        ]),
        isUnread: knex.raw(`case when ?? = ? and ?? is null then 1 else 0 end`, [
          recipientColumn,
          callerId,
          `m.${readAtColumn}`,
        ]),
      })
      .from({ m: tableOf(strapi, MESSAGE) })
      .join({ s: senderLink.table }, `s.${senderLink.ownColumn}`, 'm.id')
      .join({ r: recipientLink.table }, `r.${recipientLink.ownColumn}`, 'm.id')
      .where((where) => {
        where.where(senderColumn, callerId).orWhere(recipientColumn, callerId);
      })
      .as('pairs');
    const grouped = knex
      .select('pairs.otherId')
      // Ids grow with insertion, so the highest id of a pair is its latest message.
      .max({ lastId: 'pairs.id' })
      .sum({ unread: 'pairs.isUnread' })
      .from(pairs)
      .groupBy('pairs.otherId');
    const [rows, totals] = await Promise.all([
      knex
        .select('*')
        .from(grouped.clone().as('conversations'))
        .orderBy('lastId', 'desc')
        .offset((options.page - 1) * options.pageSize)
        .limit(options.pageSize),
      knex.count({ total: '*' }).from(grouped.clone().as('conversations')),
    ]);
    const lastMessages: any[] = rows.length
      ? await strapi.db.query(MESSAGE).findMany({
          where: { id: { $in: rows.map((row: any) => Number(row.lastId)) } },
          select: MESSAGE_FIELDS,
          populate: { sender: { select: PERSON_FIELDS }, recipient: { select: PERSON_FIELDS } },
        })
      : [];
    const byId = new Map(lastMessages.map((row) => [row.id, row]));
    const conversations = rows.flatMap((row: any) => {
      const last = byId.get(Number(row.lastId));
      if (!last?.sender || !last?.recipient) return [];
      const other = last.sender.id === callerId ? last.recipient : last.sender;
      return [{ user: presentPerson(other), lastMessage: presentMessage(last), unreadCount: Number(row.unread ?? 0) }];
    });
    const count = Number((totals as Array<{ total: number | string }>)[0]?.total ?? 0);
    return {
      conversations,
      pagination: {
        page: options.page,
        pageSize: options.pageSize,
        pageCount: Math.ceil(count / options.pageSize),
        total: count,
      },
    };
  },
});

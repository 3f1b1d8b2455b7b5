import { createId } from '@paralleldrive/cuid2';
import type { Core } from '@strapi/strapi';
import { isSupportStaff, type Caller } from '../../../../../access/roles';
import { auditEntity, recordAuditEvent, type AuditAction } from '../../../../../audit';
import { tableOf } from '../../../../../database/tables';
import { conflict, forbidden, invalidField, notFound } from '../../../../../errors/refusal';
import { isTicketStatus, statusAfterReply, type TicketStatus } from '../rules/ticket-rules';
import { tellReply } from '../notices';

export const TICKET = 'plugin::support.ticket';
export const TICKET_MESSAGE = 'plugin::support.ticket-message';
const USER = 'plugin::users-permissions.user';

/**
 * Who acts on a ticket: an API user (its author, or staff: admins and the `support` role), or an admin-panel user
 * holding `plugin::support.manage-tickets` (always staff; named by their panel id and name, not an API account).
 */
export type SupportActor = { kind: 'user'; caller: Caller } | { kind: 'panel'; adminId: number; name: string };

const isStaff = (actor: SupportActor) => actor.kind === 'panel' || isSupportStaff(actor.caller);
const userIdOf = (actor: SupportActor) => (actor.kind === 'user' ? actor.caller.userId : null);

/** A person as a ticket shows them: never a password or token; the email to staff only. */
export interface TicketPerson {
  id: number | null;
  username: string | null;
  fullName: string | null;
  email?: string | null;
}

type Row = Record<string, any>;

const iso = (value: unknown) =>
  value === null || value === undefined
    ? null
    : new Date(typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : (value as string)).toISOString();

const query = (strapi: Core.Strapi, uid: string) => strapi.db.query(uid as any);

export default ({ strapi }: { strapi: Core.Strapi }) => {
  /** Users by id, shaped explicitly (id, username, fullName; email for staff viewers). */
  async function people(ids: Array<number | null | undefined>, withEmail: boolean) {
    const unique = [...new Set(ids.filter((id): id is number => typeof id === 'number' && id > 0))];
    if (!unique.length) return new Map<number, TicketPerson>();
    const rows: Row[] = await query(strapi, USER).findMany({
      where: { id: { $in: unique } },
      select: ['id', 'username', 'fullName', 'email'],
    });
    return new Map<number, TicketPerson>(
      rows.map((user) => [
        Number(user.id),
        {
          id: Number(user.id),
          username: user.username ?? null,
          fullName: user.fullName ?? null,
          ...(withEmail ? { email: user.email ?? null } : {}),
        },
      ])
    );
  }

  /** The ticket the actor may see, or 404 (another user's ticket is not there for them). */
  async function visibleTicket(actor: SupportActor, documentId: string): Promise<Row> {
    const ticket: Row | null = await query(strapi, TICKET).findOne({ where: { documentId } });
    if (!ticket || (!isStaff(actor) && (ticket.authorId === null || Number(ticket.authorId) !== userIdOf(actor))))
      throw notFound('Ticket not found', 'ticket_not_found');
    return ticket;
  }

  async function presentTickets(actor: SupportActor, tickets: Row[]) {
    const staff = isStaff(actor);
    const ids = tickets.map((ticket) => Number(ticket.id));
    const counts: Row[] = ids.length
      ? await strapi.db
          .connection(tableOf(strapi, TICKET_MESSAGE))
          .select('ticket_id')
          .count({ count: 'id' })
          .whereIn('ticket_id', ids)
          .groupBy('ticket_id')
      : [];
    const countOf = new Map(counts.map((row) => [Number(row.ticket_id), Number(row.count)]));
    const persons = await people(
      tickets.flatMap((ticket) => [ticket.authorId, ticket.assigneeUserId]),
      staff
    );
    return tickets.map((ticket) => presentTicket(actor, ticket, persons, countOf.get(Number(ticket.id)) ?? 0));
  }

  function presentTicket(actor: SupportActor, ticket: Row, persons: Map<number, TicketPerson>, messagesCount: number) {
    const assignee =
      ticket.assigneeUserId !== null && ticket.assigneeUserId !== undefined
        ? (persons.get(Number(ticket.assigneeUserId)) ?? { id: null, username: null, fullName: ticket.assigneeName })
        : ticket.assigneeAdminId !== null && ticket.assigneeAdminId !== undefined
          ? { id: null, username: null, fullName: ticket.assigneeName ?? 'Support' }
          : null;
    const assignedToCaller =
      actor.kind === 'panel'
        ? Number(ticket.assigneeAdminId) === actor.adminId
        : actor.caller.userId !== null && Number(ticket.assigneeUserId) === actor.caller.userId;
    return {
      documentId: ticket.documentId as string,
      subject: ticket.subject as string,
      status: ticket.status as TicketStatus,
      author: ticket.authorId ? (persons.get(Number(ticket.authorId)) ?? null) : null,
      assignee,
      assignedToCaller,
      messagesCount,
      lastMessageAt: iso(ticket.lastMessageAt),
      closedAt: iso(ticket.closedAt),
      createdAt: iso(ticket.createdAt),
      updatedAt: iso(ticket.updatedAt),
    };
  }

  async function presentMessages(actor: SupportActor, messages: Row[]) {
    const persons = await people(
      messages.map((message) => message.authorUserId),
      isStaff(actor)
    );
    return messages.map((message) => presentMessage(message, persons));
  }

  function presentMessage(message: Row, persons: Map<number, TicketPerson>) {
    const byUser = message.authorUserId ? persons.get(Number(message.authorUserId)) : undefined;
    // A panel user is named as they were when they wrote; an erased account is null ("Deleted user").
    const author: TicketPerson | null =
      byUser ??
      (message.authorAdminId && message.authorName ? { id: null, username: null, fullName: message.authorName } : null);
    return {
      id: Number(message.id),
      body: message.body as string,
      byStaff: Boolean(message.byStaff),
      author,
      createdAt: iso(message.createdAt),
    };
  }

  async function messageRows(ticketId: number, page: number, pageSize: number) {
    const [rows, total] = await Promise.all([
      query(strapi, TICKET_MESSAGE).findMany({
        where: { ticketId },
        orderBy: [{ id: 'asc' }],
        offset: (page - 1) * pageSize,
        limit: pageSize,
      }),
      query(strapi, TICKET_MESSAGE).count({ where: { ticketId } }),
    ]);
    return { rows: rows as Row[], total: Number(total) };
  }

  function authorOf(actor: SupportActor) {
    return actor.kind === 'panel'
      ? { authorUserId: null, authorAdminId: actor.adminId, authorName: actor.name.slice(0, 200) }
      : { authorUserId: actor.caller.userId, authorAdminId: null, authorName: null };
  }

  /** A staff action in the audit trail; a panel user is named in `after` (the trail's actor is an API user). */
  async function audit(
    actor: SupportActor,
    action: AuditAction,
    ticket: Row,
    before: Record<string, string | number | boolean | null>,
    after: Record<string, string | number | boolean | null>
  ) {
    await recordAuditEvent(strapi, {
      action,
      actor: actor.kind === 'user' ? actor.caller : null,
      entity: auditEntity('ticket', ticket.documentId),
      before,
      after: actor.kind === 'panel' ? { ...after, staff: `admin-panel:${actor.adminId}` } : after,
    });
  }

  return {
    /** `POST /support/tickets`: a ticket (`open`) and its first message, in one transaction. */
    async create(caller: Caller, input: { subject: string; body: string }) {
      if (!caller.userId) throw forbidden('Sign in to write to support', 'not_signed_in');
      const now = new Date();
      const { ticket, message } = await strapi.db.transaction(async () => {
        const ticket: Row = await query(strapi, TICKET).create({
          data: {
            documentId: createId(),
            subject: input.subject,
            status: 'open',
            authorId: caller.userId,
            lastMessageAt: now,
          },
        });
        const message: Row = await query(strapi, TICKET_MESSAGE).create({
          data: {
            documentId: createId(),
            ticketId: ticket.id,
            authorUserId: caller.userId,
            byStaff: false,
            body: input.body,
          },
        });
        return { ticket, message };
      });
      const actor: SupportActor = { kind: 'user', caller };
      const [presented] = await presentTickets(actor, [ticket]);
      return { ...presented, messages: await presentMessages(actor, [message]) };
    },

    /** Own tickets; staff see every ticket. Newest first, `status` filtering. */
    async list(actor: SupportActor, options: { status?: unknown; page: number; pageSize: number }) {
      const where: Row = {};
      if (options.status !== undefined) {
        if (!isTicketStatus(options.status))
          throw invalidField('status', 'status must be one of open, pending, closed');
        where.status = options.status;
      }
      if (!isStaff(actor)) where.authorId = userIdOf(actor) ?? -1;
      const [rows, total] = await Promise.all([
        query(strapi, TICKET).findMany({
          where,
          orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
          offset: (options.page - 1) * options.pageSize,
          limit: options.pageSize,
        }),
        query(strapi, TICKET).count({ where }),
      ]);
      return {
        data: await presentTickets(actor, rows as Row[]),
        pagination: {
          page: options.page,
          pageSize: options.pageSize,
          pageCount: Math.ceil(Number(total) / options.pageSize),
          total: Number(total),
        },
      };
    },

    /** One ticket with its thread (the first 100 messages; the messages route pages through longer ones). */
    async show(actor: SupportActor, documentId: string) {
      const ticket = await visibleTicket(actor, documentId);
      const [presented] = await presentTickets(actor, [ticket]);
      const { rows } = await messageRows(Number(ticket.id), 1, 100);
      return { ...presented, messages: await presentMessages(actor, rows) };
    },

    /** A ticket's thread, oldest first, paginated. */
    async messages(actor: SupportActor, documentId: string, page: number, pageSize: number) {
      const ticket = await visibleTicket(actor, documentId);
      const { rows, total } = await messageRows(Number(ticket.id), page, pageSize);
      return {
        data: await presentMessages(actor, rows),
        pagination: { page, pageSize, pageCount: Math.ceil(total / pageSize), total },
      };
    },

    /**
     * A reply: staff's sets the ticket `pending` (waiting on the user) and tells the user (in-app notice and mail,
     * as jobs in the reply's transaction); the author's sets it `open` again. The status changes only on a ticket
     * not closed, in one conditional statement, so a reply racing a close either lands before it or gets 409
     * `ticket_closed`.
     */
    async reply(actor: SupportActor, documentId: string, body: string) {
      const ticket = await visibleTicket(actor, documentId);
      const byStaff = isStaff(actor) && !(actor.kind === 'user' && Number(ticket.authorId) === actor.caller.userId);
      const now = new Date();
      const message: Row = await strapi.db.transaction(async () => {
        const { count } = await query(strapi, TICKET).updateMany({
          where: { id: ticket.id, status: { $ne: 'closed' } },
          data: { status: statusAfterReply(byStaff), lastMessageAt: now },
        });
        if (Number(count) === 0) throw conflict('This ticket is closed', 'ticket_closed');
        const message: Row = await query(strapi, TICKET_MESSAGE).create({
          data: { documentId: createId(), ticketId: ticket.id, byStaff, body, ...authorOf(actor) },
        });
        if (byStaff) {
          if (ticket.authorId)
            await tellReply(strapi, {
              messageId: Number(message.id),
              userId: Number(ticket.authorId),
              ticketDocumentId: ticket.documentId,
              subject: ticket.subject,
              body,
            });
        }
        return message;
      });
      const [presented] = await presentMessages(actor, [message]);
      return presented;
    },

    /** Its author or staff close a ticket; a closed one takes no replies (409 `ticket_closed` to a second close). */
    async close(actor: SupportActor, documentId: string) {
      const ticket = await visibleTicket(actor, documentId);
      const now = new Date();
      await strapi.db.transaction(async () => {
        const { count } = await query(strapi, TICKET).updateMany({
          where: { id: ticket.id, status: { $ne: 'closed' } },
          data: { status: 'closed', closedAt: now },
        });
        if (Number(count) === 0) throw conflict('This ticket is already closed', 'ticket_closed');
        if (isStaff(actor) && Number(ticket.authorId) !== userIdOf(actor))
          await audit(actor, 'ticket.closed', ticket, { status: ticket.status }, { status: 'closed' });
      });
      return this.show(actor, documentId);
    },

    /** Staff take a ticket ("assign to me"); a closed ticket is refused (409 `ticket_closed`). */
    async assign(actor: SupportActor, documentId: string) {
      if (!isStaff(actor)) throw forbidden('Only support staff take tickets', 'not_support_staff');
      const ticket = await visibleTicket(actor, documentId);
      let name: string | null = actor.kind === 'panel' ? actor.name : null;
      if (actor.kind === 'user') {
        const me = (await people([actor.caller.userId], false)).get(actor.caller.userId ?? 0);
        name = me ? me.fullName || me.username : null;
      }
      await strapi.db.transaction(async () => {
        const { count } = await query(strapi, TICKET).updateMany({
          where: { id: ticket.id, status: { $ne: 'closed' } },
          data:
            actor.kind === 'panel'
              ? { assigneeAdminId: actor.adminId, assigneeUserId: null, assigneeName: name?.slice(0, 200) ?? null }
              : {
                  assigneeUserId: actor.caller.userId,
                  assigneeAdminId: null,
                  assigneeName: name?.slice(0, 200) ?? null,
                },
        });
        if (Number(count) === 0) throw conflict('This ticket is closed', 'ticket_closed');
        await audit(
          actor,
          'ticket.assigned',
          ticket,
          { assigneeUserId: ticket.assigneeUserId ?? null, assigneeAdminId: ticket.assigneeAdminId ?? null },
          actor.kind === 'panel' ? { assigneeAdminId: actor.adminId } : { assigneeUserId: actor.caller.userId }
        );
      });
      return this.show(actor, documentId);
    },
  };
};

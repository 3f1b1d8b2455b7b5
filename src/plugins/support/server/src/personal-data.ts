import type { Core } from '@strapi/strapi';
import { TICKET, TICKET_MESSAGE } from './services/tickets';

/**
 * A user's support data for privacy (src/privacy, contract "Trust and privacy"). Tickets and messages name users by
 * integer columns, so the privacy module's discovery by relation does not see them: it asks here.
 */

type Row = Record<string, unknown>;

export interface SupportPersonalData {
  /** `support-ticket.json` (their tickets, each with its whole thread), `support-ticket-message.json` (what they wrote elsewhere, as staff). */
  documents: Record<string, unknown>;
}

/** Staff are named by their display name only (never an email) in a user's export. */
const presentMessage = (message: Row) => ({
  id: message.id,
  body: message.body,
  byStaff: Boolean(message.byStaff),
  author: message.byStaff ? (message.authorName ?? 'Support') : 'you',
  createdAt: message.createdAt,
});

export async function collectSupportData(strapi: Core.Strapi, userId: number): Promise<SupportPersonalData> {
  const query = (uid: string) => strapi.db.query(uid as any);
  const tickets: Row[] = await query(TICKET).findMany({ where: { authorId: userId }, orderBy: { id: 'asc' } });
  const threads: Row[] = tickets.length
    ? await query(TICKET_MESSAGE).findMany({
        where: { ticketId: { $in: tickets.map((ticket) => ticket.id) } },
        orderBy: { id: 'asc' },
      })
    : [];
  const elsewhere: Row[] = await query(TICKET_MESSAGE).findMany({
    where: { authorUserId: userId, byStaff: true },
    orderBy: { id: 'asc' },
  });
  return {
    documents: {
      'support-ticket.json': tickets.map((ticket) => ({
        documentId: ticket.documentId,
        subject: ticket.subject,
        status: ticket.status,
        createdAt: ticket.createdAt,
        closedAt: ticket.closedAt ?? null,
        messages: threads
          .filter((message) => Number(message.ticketId) === Number(ticket.id))
          .map((message) => ({
            ...presentMessage(message),
            author: Number(message.authorUserId) === userId ? 'you' : presentMessage(message).author,
          })),
      })),
      'support-ticket-message.json': elsewhere.map((message) => ({
        ticketId: message.ticketId,
        body: message.body,
        createdAt: message.createdAt,
      })),
    },
  };
}

/**
 * The support part of a user's erasure, in the erasure's transaction: the text of every message they wrote is
 * removed and the message no longer names them (shown as "Deleted user"); their tickets lose their subject and
 * author and are closed. Staff replies on those tickets stay (staff's own words).
 */
export async function eraseSupportDataOf(strapi: Core.Strapi, userId: number): Promise<void> {
  const query = (uid: string) => strapi.db.query(uid as any);
  await query(TICKET_MESSAGE).updateMany({
    where: { authorUserId: userId },
    data: { body: '', authorUserId: null, authorName: null },
  });
  await query(TICKET).updateMany({
    where: { authorId: userId },
    data: { subject: 'Deleted user', authorId: null, status: 'closed' },
  });
  await query(TICKET).updateMany({
    where: { assigneeUserId: userId },
    data: { assigneeUserId: null, assigneeName: null },
  });
}

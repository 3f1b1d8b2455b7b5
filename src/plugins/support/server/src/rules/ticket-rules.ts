import { toPlainText } from '../../../../../content/rich-text';
import { fieldProblem, throwIfInvalid, type FieldError } from '../../../../../errors/refusal';

/** Contract "Tutor marketplace", Support: a ticket's statuses. */
export const TICKET_STATUSES = ['open', 'pending', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export const SUBJECT_LIMIT = 200;
export const BODY_LIMIT = 5000;

export const isTicketStatus = (value: unknown): value is TicketStatus =>
  typeof value === 'string' && (TICKET_STATUSES as readonly string[]).includes(value);

/** One text field as typed: required, plain text (markup removed), 1..limit characters. */
function textProblem(
  field: string,
  value: unknown,
  limit: number
): { problem: FieldError | null; text: string | null } {
  if (value === undefined || value === null)
    return { problem: fieldProblem(field, `${field} is required`), text: null };
  if (typeof value !== 'string') return { problem: fieldProblem(field, `${field} must be text`), text: null };
  if (value.length > limit * 2)
    return { problem: fieldProblem(field, `${field} must be at most ${limit} characters`), text: null };
  const text = toPlainText(value).trim();
  if (!text) return { problem: fieldProblem(field, `${field} must not be empty`), text: null };
  if (text.length > limit)
    return { problem: fieldProblem(field, `${field} must be at most ${limit} characters`), text: null };
  return { problem: null, text };
}

/** `POST /support/tickets { subject, body }`: both required; 400 naming each bad field. */
export function parseTicketInput(body: Record<string, unknown>): { subject: string; body: string } {
  const subject = textProblem('subject', body.subject, SUBJECT_LIMIT);
  const message = textProblem('body', body.body, BODY_LIMIT);
  throwIfInvalid([subject.problem, message.problem].filter((problem): problem is FieldError => problem !== null));
  return { subject: subject.text!, body: message.text! };
}

/** A reply's `body`: required, 1..5000 characters of plain text. */
export function parseMessageBody(value: unknown): string {
  const message = textProblem('body', value, BODY_LIMIT);
  throwIfInvalid(message.problem ? [message.problem] : []);
  return message.text!;
}

/**
 * The status a reply leaves: a staff reply waits on the user (`pending`), the user's reply waits on staff
 * (`open`). A closed ticket takes no reply (the service refuses 409 `ticket_closed` before asking).
 */
export const statusAfterReply = (byStaff: boolean): Exclude<TicketStatus, 'closed'> => (byStaff ? 'pending' : 'open');

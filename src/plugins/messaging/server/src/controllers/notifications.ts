import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { bodyWithOnly, documentIdParam, paginationParams, recordIdParam } from '../../../../../access/params';
import { callerFrom, isRoleType } from '../../../../../access/roles';
import type { Audience } from '../rules/messaging-rules';
import { cleanBody } from '../rules/sanitize-body';

const notifications = (strapi: Core.Strapi) => strapi.plugin('messaging').service('notifications');

const invalid = (field: string, message: string) =>
  new errors.ValidationError(message, { errors: [{ path: [field], message, name: 'ValidationError' }] });

function unreadParam(value: unknown): boolean {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  throw invalid('unread', 'unread must be true or false');
}

/** `{ all: true }`, `{ role }` or `{ course }`, exactly one of them. */
export function audienceParam(value: unknown): Audience {
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw invalid('audience', 'audience must be { all: true }, { role } or { course }');
  const keys = Object.keys(value);
  const audience = value as Record<string, unknown>;
  if (keys.length !== 1) throw invalid('audience', 'audience names exactly one of all, role, course');
  if (keys[0] === 'all' && audience.all === true) return { all: true };
  if (keys[0] === 'role' && isRoleType(audience.role) && audience.role !== 'public') return { role: audience.role };
  if (keys[0] === 'course') return { course: documentIdParam(audience.course, 'audience.course') };
  if (keys[0] === 'all') throw invalid('audience.all', 'audience.all must be true');
  if (keys[0] === 'role') throw invalid('audience.role', 'audience.role must be student, teacher or admin');
  throw invalid(`audience.${keys[0]}`, `audience.${keys[0]} is not an audience`);
}

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** GET /me/notifications?unread=true */
  async mine(ctx: any) {
    const caller = callerFrom(ctx.state);
    const unreadOnly = unreadParam(ctx.query.unread);
    const { page, pageSize } = paginationParams(ctx.query);
    const result = await notifications(strapi).listForUser(caller.userId!, { unreadOnly, page, pageSize });
    ctx.body = { data: result.notifications, meta: { pagination: result.pagination, unreadCount: result.unreadCount } };
  },

  /** POST /notifications/:id/read */
  async read(ctx: any) {
    const caller = callerFrom(ctx.state);
    const id = recordIdParam(ctx.params.id, 'id');
    ctx.body = { data: await notifications(strapi).markRead(caller.userId!, id, new Date()), meta: {} };
  },

  /** POST /notifications/read-all */
  async readAll(ctx: any) {
    const caller = callerFrom(ctx.state);
    bodyWithOnly(ctx.request.body, []);
    const updated = await notifications(strapi).markAllRead(caller.userId!, new Date());
    ctx.body = { data: { updated }, meta: {} };
  },

  /** POST /notifications/broadcast { title, body, audience } (admins) */
  async broadcast(ctx: any) {
    const caller = callerFrom(ctx.state);
    const input = bodyWithOnly(ctx.request.body, ['title', 'body', 'audience']);
    const title = cleanBody(input.title, { field: 'title', limit: 200, plain: true });
    const body =
      input.body === undefined || input.body === null ? null : cleanBody(input.body, { field: 'body', limit: 5000 });
    const audience = audienceParam(input.audience);
    const result = await notifications(strapi).broadcast(caller, { title, body, audience });
    ctx.status = 201;
    ctx.body = { data: result, meta: {} };
  },
});

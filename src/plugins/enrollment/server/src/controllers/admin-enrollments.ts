import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { adminCaller } from '../../../../../access/admin-caller';
import { bodyWithOnly, documentIdParam, paginationParams, recordIdParam } from '../../../../../access/params';

const staff = (strapi: Core.Strapi) => strapi.plugin('enrollment').service('staff-enrollments');

/** Who did it, for the log line that audits a staff change to a waitlist. */
const adminUserOf = (ctx: any) => ({ id: Number(ctx.state.user?.id), email: String(ctx.state.user?.email ?? '') });

// Deliberately loose: the account lookup is the real test; this only turns obvious typos into a 400.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function emailField(value: unknown): string {
  if (typeof value !== 'string' || value.length > 254 || !EMAIL.test(value.trim())) {
    throw new errors.ValidationError('email must be an email address', {
      errors: [{ path: ['email'], message: 'email must be an email address', name: 'ValidationError' }],
    });
  }
  return value.trim();
}

/** The admin panel's Enrollments page (admin routes under /enrollment). */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** GET /enrollment/courses */
  async courses(ctx: any) {
    const data = await staff(strapi).courses(
      await adminCaller(strapi, ctx.state.user),
      typeof ctx.query.locale === 'string' ? ctx.query.locale : undefined
    );
    ctx.body = { data, meta: { total: data.length } };
  },

  /** GET /enrollment/courses/:documentId/students */
  async students(ctx: any) {
    const courseDocumentId = documentIdParam(ctx.params.documentId);
    const { page, pageSize } = paginationParams(ctx.query);
    const caller = await adminCaller(strapi, ctx.state.user);
    const { data, total } = await staff(strapi).students(caller, courseDocumentId, { page, pageSize }, new Date());
    ctx.body = { data, meta: { pagination: { page, pageSize, pageCount: Math.ceil(total / pageSize), total } } };
  },

  /** POST /enrollment/courses/:documentId/enrollments { email } */
  async enroll(ctx: any) {
    const courseDocumentId = documentIdParam(ctx.params.documentId);
    const email = emailField(bodyWithOnly(ctx.request.body, ['email']).email);
    const caller = await adminCaller(strapi, ctx.state.user);
    ctx.status = 201;
    ctx.body = { data: await staff(strapi).enrollByEmail(caller, courseDocumentId, email, new Date()), meta: {} };
  },

  /** GET /enrollment/courses/:documentId/waitlist */
  async waitlist(ctx: any) {
    const courseDocumentId = documentIdParam(ctx.params.documentId);
    const data = await staff(strapi).waitlist(await adminCaller(strapi, ctx.state.user), courseDocumentId);
    ctx.body = { data, meta: { total: data.length } };
  },

  /** POST /enrollment/courses/:documentId/waitlist/:entryId/move-up */
  async moveUp(ctx: any) {
    const courseDocumentId = documentIdParam(ctx.params.documentId);
    const entryId = recordIdParam(ctx.params.entryId, 'entryId');
    bodyWithOnly(ctx.request.body, []);
    const caller = await adminCaller(strapi, ctx.state.user);
    const data = await staff(strapi).moveUp(caller, adminUserOf(ctx), courseDocumentId, entryId, new Date());
    ctx.body = { data, meta: { total: data.length } };
  },

  /** DELETE /enrollment/courses/:documentId/waitlist/:entryId */
  async removeFromWaitlist(ctx: any) {
    const courseDocumentId = documentIdParam(ctx.params.documentId);
    const entryId = recordIdParam(ctx.params.entryId, 'entryId');
    const caller = await adminCaller(strapi, ctx.state.user);
    const data = await staff(strapi).removeFromWaitlist(
      caller,
      adminUserOf(ctx),
      courseDocumentId,
      entryId,
      new Date()
    );
    ctx.body = { data, meta: { total: data.length } };
  },

  /** DELETE /enrollment/courses/:documentId/enrollments/:userId */
  async cancel(ctx: any) {
    const courseDocumentId = documentIdParam(ctx.params.documentId);
    const userId = recordIdParam(ctx.params.userId, 'userId');
    const caller = await adminCaller(strapi, ctx.state.user);
    ctx.body = { data: await staff(strapi).cancelForStudent(caller, courseDocumentId, userId, new Date()), meta: {} };
  },
});

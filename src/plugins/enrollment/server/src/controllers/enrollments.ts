import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { assertCanManageCourse } from '../../../../../access/ownership';
import {
  bodyWithOnly,
  documentIdParam,
  paginationParams,
  positiveIntegerParam,
  recordIdParam,
} from '../../../../../access/params';
import { callerFrom } from '../../../../../access/roles';

const service = (strapi: Core.Strapi) => strapi.plugin('enrollment').service('enrollments');
const views = (strapi: Core.Strapi) => strapi.plugin('enrollment').service('enrollment-views');

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** POST /courses/:documentId/enrollments — yourself, or (owners, admins) `{ user }`. */
  async enroll(ctx: any) {
    const caller = callerFrom(ctx.state);
    const courseDocumentId = documentIdParam(ctx.params.documentId);
    const body = bodyWithOnly(ctx.request.body, ['user']);
    let userId = caller.userId!;
    if (body.user !== undefined) {
      userId = positiveIntegerParam(body.user, 'user');
      if (userId !== caller.userId) {
        await assertCanManageCourse(strapi, caller, courseDocumentId);
        const user = await strapi.db
          .query('plugin::users-permissions.user')
          .findOne({ where: { id: userId }, select: ['id'] });
        if (!user) throw new errors.NotFoundError('No user has this id');
      }
    }
    const isPlacedByStaff = userId !== caller.userId;
    const enrollment = await service(strapi).enroll({
      userId,
      courseDocumentId,
      now: new Date(),
      isPlacedByStaff,
      ...(isPlacedByStaff ? { staff: caller } : {}),
    });
    ctx.status = 201;
    ctx.body = { data: await views(strapi).present(enrollment, courseDocumentId, new Date()), meta: {} };
  },

  /** DELETE /courses/:documentId/enrollments/me */
  async cancelMine(ctx: any) {
    const caller = callerFrom(ctx.state);
    const courseDocumentId = documentIdParam(ctx.params.documentId);
    const enrollment = await service(strapi).cancel({ userId: caller.userId!, courseDocumentId, now: new Date() });
    ctx.body = { data: await views(strapi).present(enrollment, courseDocumentId, new Date()), meta: {} };
  },

  /** DELETE /courses/:documentId/enrollments/:userId — owners and admins. */
  async cancelForStudent(ctx: any) {
    const courseDocumentId = documentIdParam(ctx.params.documentId);
    const userId = recordIdParam(ctx.params.userId, 'userId');
    const caller = callerFrom(ctx.state);
    await assertCanManageCourse(strapi, caller, courseDocumentId);
    const enrollment = await service(strapi).cancel({ userId, courseDocumentId, now: new Date(), staff: caller });
    ctx.body = { data: await views(strapi).present(enrollment, courseDocumentId, new Date()), meta: {} };
  },

  /** GET /me/enrollments?status= */
  async mine(ctx: any) {
    const caller = callerFrom(ctx.state);
    const status = ctx.query.status;
    if (status !== undefined && !['active', 'completed', 'expired', 'cancelled'].includes(status)) {
      throw new errors.ValidationError('status must be one of active, completed, expired, cancelled', {
        errors: [
          {
            path: ['status'],
            message: 'status must be one of active, completed, expired, cancelled',
            name: 'ValidationError',
          },
        ],
      });
    }
    const data = await views(strapi).listForStudent(caller.userId!, {
      status,
      locale: ctx.query.locale,
      now: new Date(),
    });
    ctx.body = { data, meta: { total: data.length } };
  },

  /** GET /me/teaching — the courses a teacher is listed in, drafts included. */
  async teaching(ctx: any) {
    const caller = callerFrom(ctx.state);
    const data = await views(strapi).listTeaching(caller.userId!, ctx.query.locale);
    ctx.body = { data, meta: { total: data.length } };
  },

  /** GET /courses/:documentId/students — owners and admins. */
  async students(ctx: any) {
    const courseDocumentId = documentIdParam(ctx.params.documentId);
    const { page, pageSize } = paginationParams(ctx.query);
    await assertCanManageCourse(strapi, callerFrom(ctx.state), courseDocumentId);
    const { data, total } = await views(strapi).listStudents(courseDocumentId, { page, pageSize, now: new Date() });
    ctx.body = { data, meta: { pagination: { page, pageSize, pageCount: Math.ceil(total / pageSize), total } } };
  },
});

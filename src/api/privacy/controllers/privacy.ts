import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { bodyWithOnly, recordIdParam } from '../../../access/params';
import { callerFrom } from '../../../access/roles';
import { invalidField } from '../../../errors/refusal';
import { dataExportArchive, findDataExport, requestDataExport } from '../../../privacy/data-exports';
import { assertPassword, eraseUser } from '../../../privacy/erasure';

const EXPORT_ID = /^[a-z0-9]{10,64}$/;

function exportIdParam(value: unknown): string {
  if (typeof value !== 'string' || !EXPORT_ID.test(value)) throw invalidField('id', 'id is not a data export id');
  return value;
}

function signedInUserId(ctx: any): number {
  const { userId } = callerFrom(ctx.state);
  if (userId === null) throw new errors.UnauthorizedError('Sign in first');
  return userId;
}

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** POST /me/data-export → 202 { data: { id, status } } */
  async requestExport(ctx: any) {
    bodyWithOnly(ctx.request.body, []);
    const userId = signedInUserId(ctx);
    ctx.status = 202;
    ctx.body = { data: await requestDataExport(strapi, userId, callerFrom(ctx.state)), meta: {} };
  },

  /** GET /me/data-export/:id → { data: { id, status, downloadUrl? } }; another user's export is 404. */
  async findExport(ctx: any) {
    const id = exportIdParam(ctx.params.exportId);
    ctx.body = { data: await findDataExport(strapi, signedInUserId(ctx), id), meta: {} };
  },

  /** GET /me/data-export/:id/download → application/zip, to its owner only. */
  async downloadExport(ctx: any) {
    const id = exportIdParam(ctx.params.exportId);
    const archive = await dataExportArchive(strapi, signedInUserId(ctx), id);
    ctx.set('Content-Type', 'application/zip');
    ctx.set('Content-Disposition', `attachment; filename="lyceum-data-${id}.zip"`);
    ctx.set('Cache-Control', 'private, no-store');
    ctx.body = archive;
  },

  /** DELETE /me { password } → { data: { id, erased: true } } */
  async eraseMe(ctx: any) {
    const { password } = bodyWithOnly(ctx.request.body, ['password']);
    if (typeof password !== 'string' || password.length === 0 || password.length > 200)
      throw invalidField('password', 'Send your current password to erase your account');
    const userId = signedInUserId(ctx);
    await assertPassword(strapi, userId, password);
    ctx.body = { data: await eraseUser(strapi, userId, callerFrom(ctx.state)), meta: {} };
  },

  /** POST /users/:id/data-export (admin) → 202: the user's export, which the user downloads. */
  async requestExportForUser(ctx: any) {
    bodyWithOnly(ctx.request.body, []);
    const userId = recordIdParam(ctx.params.id);
    const user = await strapi.db
      .query('plugin::users-permissions.user')
      .findOne({ where: { id: userId }, select: ['id'] });
    if (!user) throw new errors.NotFoundError('No user has this id');
    ctx.status = 202;
    ctx.body = { data: await requestDataExport(strapi, userId, callerFrom(ctx.state)), meta: {} };
  },
});

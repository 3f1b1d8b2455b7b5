import type { Core, UID } from '@strapi/strapi';
import { errors } from '@strapi/utils';

type CoreController = {
  validateQuery?: (ctx: any) => Promise<void>;
  sanitizeQuery?: (ctx: any) => Promise<Record<string, unknown>>;
  validateInput?: (data: unknown, ctx: any) => Promise<void>;
  sanitizeInput?: (data: unknown, ctx: any) => Promise<unknown>;
  sanitizeOutput?: (data: unknown, ctx: any) => Promise<unknown>;
  transformResponse?: (data: unknown) => unknown;
};

/**
 * The core `create` with fields the server decides (the author, the creating teacher) added after the
 * client's input is validated and sanitized, so the client can neither set nor strip them.
 */
export async function createWithServerFields(
  strapi: Core.Strapi,
  controller: CoreController,
  ctx: any,
  uid: UID.ContentType,
  serverFields: Record<string, unknown>
) {
  await controller.validateQuery!(ctx);
  const sanitizedQuery = await controller.sanitizeQuery!(ctx);
  const data = ctx.request.body?.data;
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    throw new errors.ValidationError('Missing "data" payload in the request body');
  }
  await controller.validateInput!(data, ctx);
  const input = (await controller.sanitizeInput!(data, ctx)) as Record<string, unknown>;
  const entry = await strapi
    .service(uid as any)
    .create({ ...sanitizedQuery, data: { ...input, ...serverFields } } as any);
  ctx.status = 201;
  return controller.transformResponse!(await controller.sanitizeOutput!(entry, ctx));
}

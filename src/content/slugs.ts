import type { Core } from '@strapi/strapi';

/**
 * Fills an empty `uid` field (course and article slugs, …) from its target field, the way the admin panel
 * does, on create and when an update blanks it: every entry keeps a slug to be found by.
 */
export function fillMissingSlugs(strapi: Core.Strapi): void {
  strapi.documents.use(async (context, next) => {
    if (!['create', 'update'].includes(context.action) || !context.uid.startsWith('api::')) return next();
    const params = context.params as { data?: Record<string, unknown>; locale?: string; documentId?: string };
    const data = params.data;
    if (!data) return next();
    const { attributes } = strapi.getModel(context.uid);
    for (const [field, attribute] of Object.entries(attributes) as Array<
      [string, { type: string; targetField?: string }]
    >) {
      if (attribute.type !== 'uid' || !attribute.targetField || data[field]) continue;
      if (context.action === 'update' && !(field in data) && (await hasSlug(strapi, context.uid, field, params)))
        continue;
      data[field] = await strapi.plugin('content-manager').service('uid').generateUIDField({
        contentTypeUID: context.uid,
        field,
        data,
        locale: params.locale,
      });
    }
    return next();
  });
}

/** An update that adds a new locale to a document creates a row with no slug yet. */
async function hasSlug(
  strapi: Core.Strapi,
  uid: string,
  field: string,
  params: { documentId?: string; locale?: string }
) {
  const where: Record<string, unknown> = { documentId: params.documentId };
  if (params.locale) where.locale = params.locale;
  const row = await strapi.db.query(uid as any).findOne({ where, select: [field] });
  return Boolean(row?.[field]);
}

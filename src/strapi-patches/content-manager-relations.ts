import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';

const RELATIONS_CONTROLLER = 'plugin::content-manager.relations';

/**
 * Patch (a bug fix, no switch): the content manager's relations controller refuses with a 403 instead of a 500.
 *
 * Stock (@strapi/content-manager dist/server/controllers/relations.js, `extractAndValidateRequestInfo`): the
 * content manager's relation routes (GET /content-manager/relations/:model/:targetField[/:id]) answered 500
 * to an admin-panel user without read access to the field, e.g. a Marketer on a course's teachers. Their shared
 * step, `extractAndValidateRequestInfo`, refuses with `return ctx.forbidden()`, which in Strapi 5 only sets the
 * response and returns undefined; `findAvailable` and `findExisting` then destructure that undefined
 * (TypeError: Cannot destructure property 'entryId' of undefined). The refusal is kept and made to stop the
 * request: a ForbiddenError, which Strapi's error middleware answers with 403.
 * On upgrade: whether the stock step throws (or still returns undefined after `ctx.forbidden()`); if it throws,
 * delete this patch. Test: tests/integration/admin-roles.test.ts (a Marketer on a course's teachers).
 */
export function refuseRelationsWithoutReadAccess(strapi: Core.Strapi): void {
  strapi.get('controllers').extend(RELATIONS_CONTROLLER, (controller: any) => {
    const extractAndValidateRequestInfo = controller.extractAndValidateRequestInfo;
    if (typeof extractAndValidateRequestInfo !== 'function') return controller;
    return {
      ...controller,
      async extractAndValidateRequestInfo(this: unknown, ctx: any, id: unknown) {
        const info = await extractAndValidateRequestInfo.call(this, ctx, id);
        if (info === undefined) throw new errors.ForbiddenError();
        return info;
      },
    };
  });
}

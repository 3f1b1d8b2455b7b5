import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { documentIdParam } from '../../../../../access/params';
import { callerFrom } from '../../../../../access/roles';
import { toCsv } from '../rules/csv';
import { gradebookTable } from '../rules/gradebook';

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** GET /courses/:documentId/gradebook[?format=csv] */
  async show(ctx: any) {
    const courseDocumentId = documentIdParam(ctx.params.documentId);
    const format = ctx.query.format ?? 'json';
    if (format !== 'json' && format !== 'csv') {
      throw new errors.ValidationError('format must be json or csv', {
        errors: [{ path: ['format'], message: 'format must be json or csv', name: 'ValidationError' }],
      });
    }
    const gradebook = await strapi
      .plugin('grading')
      .service('gradebook')
      .gradebook(callerFrom(ctx.state), courseDocumentId, new Date());
    ctx.set('Cache-Control', 'private, no-store');
    if (format === 'csv') {
      ctx.set('Content-Type', 'text/csv; charset=utf-8');
      ctx.set('Content-Disposition', `attachment; filename="gradebook-${courseDocumentId}.csv"`);
      ctx.body = toCsv(gradebookTable(gradebook.items, gradebook.rows));
      return;
    }
    ctx.body = { data: gradebook, meta: { students: gradebook.rows.length, items: gradebook.items.length } };
  },
});

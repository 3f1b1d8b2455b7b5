import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { documentIdParam } from '../../../../../access/params';
import { callerFrom } from '../../../../../access/roles';
import { toCsv } from '../rules/csv';
import { gradebookTable } from '../rules/gradebook';

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** GET /courses/:documentId/gradebook[?format=csv[&rubric=true]] */
  async show(ctx: any) {
    const courseDocumentId = documentIdParam(ctx.params.documentId);
    const format = ctx.query.format ?? 'json';
    if (format !== 'json' && format !== 'csv') {
      throw new errors.ValidationError('format must be json or csv', {
        errors: [{ path: ['format'], message: 'format must be json or csv', name: 'ValidationError' }],
      });
    }
    const rubric = ctx.query.rubric ?? 'false';
    if (rubric !== 'true' && rubric !== 'false') {
      throw new errors.ValidationError('rubric must be true or false', {
        errors: [{ path: ['rubric'], message: 'rubric must be true or false', name: 'ValidationError' }],
      });
    }
    const service = strapi.plugin('grading').service('gradebook');
    const gradebook = await service.gradebook(callerFrom(ctx.state), courseDocumentId, new Date());
    ctx.set('Cache-Control', 'private, no-store');
    if (format === 'csv') {
      ctx.set('Content-Type', 'text/csv; charset=utf-8');
      ctx.set('Content-Disposition', `attachment; filename="gradebook-${courseDocumentId}.csv"`);
      const rubricColumns = rubric === 'true' ? await service.rubricColumns(courseDocumentId, gradebook.items) : [];
      ctx.body = toCsv(gradebookTable(gradebook.items, gradebook.rows, rubricColumns));
      return;
    }
    ctx.body = { data: gradebook, meta: { students: gradebook.rows.length, items: gradebook.items.length } };
  },
});

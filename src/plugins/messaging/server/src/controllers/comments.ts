import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { bodyWithOnly, documentIdParam } from '../../../../../access/params';
import { callerFrom } from '../../../../../access/roles';
import { cleanBody } from '../rules/sanitize-body';
import type { CommentTargetType } from '../services/comments';

const comments = (strapi: Core.Strapi) => strapi.plugin('messaging').service('comments');

export default ({ strapi }: { strapi: Core.Strapi }) => {
  /** One pair of actions per target: GET and POST /<target>s/:documentId/comments. */
  const threadActions = (type: CommentTargetType) => ({
    list: async (ctx: any) => {
      const documentId = documentIdParam(ctx.params.documentId);
      const { tree, total } = await comments(strapi).thread(callerFrom(ctx.state), type, documentId);
      ctx.body = { data: tree, meta: { total } };
    },
    create: async (ctx: any) => {
      const documentId = documentIdParam(ctx.params.documentId);
      const input = bodyWithOnly(ctx.request.body, ['body', 'parent']);
      const body = cleanBody(input.body);
      const parent =
        input.parent === undefined || input.parent === null ? undefined : documentIdParam(input.parent, 'parent');
      const comment = await comments(strapi).post(
        callerFrom(ctx.state),
        type,
        documentId,
        { body, parent },
        new Date()
      );
      ctx.status = 201;
      ctx.body = { data: comment, meta: {} };
    },
  });
  const lesson = threadActions('lesson');
  const assignment = threadActions('assignment');
  const submission = threadActions('submission');

  return {
    listForLesson: lesson.list,
    createForLesson: lesson.create,
    listForAssignment: assignment.list,
    createForAssignment: assignment.create,
    listForSubmission: submission.list,
    createForSubmission: submission.create,

    /** DELETE /comments/:documentId */
    async remove(ctx: any) {
      const documentId = documentIdParam(ctx.params.documentId);
      ctx.body = { data: await comments(strapi).remove(callerFrom(ctx.state), documentId, new Date()), meta: {} };
    },

    /** POST /comments/:documentId/hide { hidden? } (teachers of the course, admins); `hidden: false` shows it again. */
    async hide(ctx: any) {
      const documentId = documentIdParam(ctx.params.documentId);
      const { hidden } = bodyWithOnly(ctx.request.body, ['hidden']);
      if (hidden !== undefined && typeof hidden !== 'boolean') {
        throw new errors.ValidationError('hidden must be true or false', {
          errors: [{ path: ['hidden'], message: 'hidden must be true or false', name: 'ValidationError' }],
        });
      }
      ctx.body = {
        data: await comments(strapi).setHidden(callerFrom(ctx.state), documentId, hidden ?? true),
        meta: {},
      };
    },
  };
};

import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { bodyWithOnly, documentIdParam, recordIdParam } from '../../../../../access/params';
import { callerFrom } from '../../../../../access/roles';
import { supportedLocaleParam } from '../../../../../content/locales';

const quizAttempts = (strapi: Core.Strapi) => strapi.plugin('grading').service('quiz-attempts');

const localeParam = (value: unknown) => supportedLocaleParam(value);

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** POST /quizzes/:documentId/attempts?locale= */
  async start(ctx: any) {
    const quizDocumentId = documentIdParam(ctx.params.documentId);
    bodyWithOnly(ctx.request.body, []);
    const { created, attempt } = await quizAttempts(strapi).start(
      callerFrom(ctx.state),
      quizDocumentId,
      localeParam(ctx.query.locale),
      new Date()
    );
    // An attempt already open is handed back as it is: 200, not a new 201.
    ctx.status = created ? 201 : 200;
    ctx.body = { data: attempt, meta: {} };
  },

  /** POST /quiz-attempts/:id/submit { answers } */
  async submit(ctx: any) {
    const attemptId = recordIdParam(ctx.params.id, 'id');
    const { answers } = bodyWithOnly(ctx.request.body, ['answers']);
    if (answers === undefined) {
      throw new errors.ValidationError('answers is required', {
        errors: [{ path: ['answers'], message: 'answers is required', name: 'ValidationError' }],
      });
    }
    ctx.body = {
      data: await quizAttempts(strapi).submit(callerFrom(ctx.state), attemptId, answers, new Date()),
      meta: {},
    };
  },

  /** GET /quiz-attempts/:id */
  async show(ctx: any) {
    const attemptId = recordIdParam(ctx.params.id, 'id');
    ctx.body = { data: await quizAttempts(strapi).show(callerFrom(ctx.state), attemptId, new Date()), meta: {} };
  },

  /** GET /me/quiz-attempts?quiz= */
  async mine(ctx: any) {
    const quiz = ctx.query.quiz === undefined ? undefined : documentIdParam(ctx.query.quiz, 'quiz');
    const attempts = await quizAttempts(strapi).mine(callerFrom(ctx.state), quiz, new Date());
    ctx.body = { data: attempts, meta: { total: attempts.length } };
  },
});

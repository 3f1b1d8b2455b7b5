import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { adminCaller } from '../../../../../access/admin-caller';
import { documentIdParam, positiveIntegerParam } from '../../../../../access/params';
import { PREVIEW_LOCALE_CODE } from '../../../../../content/locales';
import { parseGradeBody } from '../rules/grade-input';

const queue = (strapi: Core.Strapi) => strapi.plugin('grading').service('grading-queue');
const preview = (strapi: Core.Strapi) => strapi.plugin('grading').service('quiz-preview');

const MAX_PAGE_SIZE = 100;

const invalid = (field: string, message: string) =>
  new errors.ValidationError(message, { errors: [{ path: [field], message, name: 'ValidationError' }] });

/** A query value given once, as text (`?a=1&a=2` is a 400, not whichever came first). */
function single(query: Record<string, unknown>, name: string): string | undefined {
  const value = query[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw invalid(name, `${name} must be given once`);
  return value;
}

/**
 * The admin panel's grading pages (routes of type `admin`, behind the `plugin::grading.*` actions). The admin
 * user acts as the Lyceum caller `adminCaller` makes of them: a Super Admin as an admin, a Teacher as the
 * teacher account with their email, so the API's ownership rules decide what they see and grade.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** GET /grading/courses */
  async courses(ctx: any) {
    const caller = await adminCaller(strapi, ctx.state.user);
    ctx.body = { data: await queue(strapi).courses(caller) };
  },

  /** GET /grading/queue?course=&page=&pageSize= */
  async queue(ctx: any) {
    const caller = await adminCaller(strapi, ctx.state.user);
    const query = (ctx.query ?? {}) as Record<string, unknown>;
    const course = single(query, 'course');
    const pageValue = single(query, 'page');
    const pageSizeValue = single(query, 'pageSize');
    const page = pageValue === undefined ? 1 : positiveIntegerParam(pageValue, 'page');
    const pageSize = pageSizeValue === undefined ? 25 : positiveIntegerParam(pageSizeValue, 'pageSize');
    if (pageSize > MAX_PAGE_SIZE) throw invalid('pageSize', `pageSize must be at most ${MAX_PAGE_SIZE}`);
    const { data, total } = await queue(strapi).queue(caller, {
      course: course === undefined ? undefined : documentIdParam(course, 'course'),
      page,
      pageSize,
    });
    ctx.body = { data, meta: { pagination: { page, pageSize, pageCount: Math.ceil(total / pageSize), total } } };
  },

  /** GET /grading/queue/:documentId */
  async show(ctx: any) {
    const caller = await adminCaller(strapi, ctx.state.user);
    ctx.body = { data: await queue(strapi).show(caller, documentIdParam(ctx.params.documentId)) };
  },

  /** POST /grading/queue/:documentId/grade { grade, feedback, status, attempt } */
  async grade(ctx: any) {
    const caller = await adminCaller(strapi, ctx.state.user);
    const documentId = documentIdParam(ctx.params.documentId);
    const input = parseGradeBody(ctx.request.body, { withAttempt: true });
    ctx.body = { data: await queue(strapi).grade(caller, documentId, input, new Date()) };
  },

  /** GET /grading/quiz-preview/:documentId?locale=&status=draft|published */
  async quizPreview(ctx: any) {
    const caller = await adminCaller(strapi, ctx.state.user);
    const documentId = documentIdParam(ctx.params.documentId);
    const query = (ctx.query ?? {}) as Record<string, unknown>;
    const locale = single(query, 'locale');
    if (locale !== undefined && !PREVIEW_LOCALE_CODE.test(locale))
      throw invalid('locale', 'locale is not a locale code');
    const status = single(query, 'status') ?? 'draft';
    if (status !== 'draft' && status !== 'published') throw invalid('status', 'status must be draft or published');
    ctx.body = { data: await preview(strapi).preview(caller, documentId, { locale, status }) };
  },
});

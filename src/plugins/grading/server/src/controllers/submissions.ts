import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { bodyWithOnly, documentIdParam, paginationParams } from '../../../../../access/params';
import { callerFrom } from '../../../../../access/roles';
import type { GradeStatus } from '../rules/submission-rules';
import type { UploadedFile } from '../services/submissions';

const submissions = (strapi: Core.Strapi) => strapi.plugin('grading').service('submissions');

const MAX_TEXT = 50_000;
const MAX_FEEDBACK = 20_000;
const GRADE_STATUSES: readonly GradeStatus[] = ['graded', 'returned', 'resubmit_requested'];

const invalid = (field: string, message: string) => new errors.ValidationError(message, { errors: [{ path: [field], message, name: 'ValidationError' }] });

/** `files` of a multipart body as a list; any other file field is refused rather than silently dropped. */
function uploadedFiles(ctx: any): UploadedFile[] {
  const all = (ctx.request.files ?? {}) as Record<string, UploadedFile | UploadedFile[]>;
  const stray = Object.keys(all).find((field) => field !== 'files');
  if (stray) throw invalid(stray, `${stray} is not accepted here; send files as "files"`);
  const files = all.files;
  if (!files) return [];
  return Array.isArray(files) ? files : [files];
}

function optionalText(value: unknown, field: string, maxLength: number): string | null | undefined {
  if (value === undefined) return undefined;
  if (value === null) return null;
  if (typeof value !== 'string') throw invalid(field, `${field} must be text`);
  if (value.length > maxLength) throw invalid(field, `${field} must be at most ${maxLength} characters`);
  return value;
}

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** POST /assignments/:documentId/submissions: multipart (`text`, `files`) or JSON `{ text }`. */
  async submit(ctx: any) {
    const assignmentDocumentId = documentIdParam(ctx.params.documentId);
    const { text } = bodyWithOnly(ctx.request.body, ['text']);
    const files = uploadedFiles(ctx);
    const cleanText = optionalText(text, 'text', MAX_TEXT);
    const handedText = cleanText && cleanText.trim() ? cleanText : null;
    if (!handedText && files.length === 0) throw invalid('text', 'Hand in text, files or both');
    const submission = await submissions(strapi).submit(callerFrom(ctx.state), assignmentDocumentId, { text: handedText, files }, new Date());
    ctx.status = 201;
    ctx.body = { data: submission, meta: {} };
  },

  /** GET /assignments/:documentId/submissions?pagination[page]=&pagination[pageSize]= */
  async list(ctx: any) {
    const assignmentDocumentId = documentIdParam(ctx.params.documentId);
    const page = paginationParams(ctx.query);
    const { data, total } = await submissions(strapi).list(callerFrom(ctx.state), assignmentDocumentId, page);
    ctx.body = { data, meta: { pagination: { ...page, pageCount: Math.ceil(total / page.pageSize), total } } };
  },

  /** PUT /submissions/:documentId/grade { grade, feedback, status } */
  async grade(ctx: any) {
    const submissionDocumentId = documentIdParam(ctx.params.documentId);
    const body = bodyWithOnly(ctx.request.body, ['grade', 'feedback', 'status']);
    if (body.grade !== undefined && body.grade !== null && (typeof body.grade !== 'number' || !Number.isFinite(body.grade))) {
      throw invalid('grade', 'grade must be a number of points');
    }
    const status = body.status === undefined ? 'graded' : body.status;
    if (!GRADE_STATUSES.includes(status as GradeStatus)) throw invalid('status', `status must be one of ${GRADE_STATUSES.join(', ')}`);
    const feedback = optionalText(body.feedback, 'feedback', MAX_FEEDBACK);
    const submission = await submissions(strapi).grade(
      callerFrom(ctx.state),
      submissionDocumentId,
      { grade: body.grade as number | null | undefined, feedback, status: status as GradeStatus },
      new Date()
    );
    ctx.body = { data: submission, meta: {} };
  },
});

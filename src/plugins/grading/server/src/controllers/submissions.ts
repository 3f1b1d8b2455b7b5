import type { Core } from '@strapi/strapi';
import { bodyWithOnly, documentIdParam, paginationParams } from '../../../../../access/params';
import { callerFrom } from '../../../../../access/roles';
import { invalidField as invalid, optionalText, parseGradeBody } from '../rules/grade-input';
import type { UploadedFile } from '../services/submissions';

const submissions = (strapi: Core.Strapi) => strapi.plugin('grading').service('submissions');

const MAX_TEXT = 50_000;

/** `files` of a multipart body as a list; any other file field is refused rather than silently dropped. */
function uploadedFiles(ctx: any): UploadedFile[] {
  const all = (ctx.request.files ?? {}) as Record<string, UploadedFile | UploadedFile[]>;
  const stray = Object.keys(all).find((field) => field !== 'files');
  if (stray) throw invalid(stray, `${stray} is not accepted here; send files as "files"`);
  const files = all.files;
  if (!files) return [];
  return Array.isArray(files) ? files : [files];
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
    const submission = await submissions(strapi).submit(
      callerFrom(ctx.state),
      assignmentDocumentId,
      { text: handedText, files },
      new Date()
    );
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

  /** GET /submissions/:documentId/history */
  async history(ctx: any) {
    const submissionDocumentId = documentIdParam(ctx.params.documentId);
    const data = await submissions(strapi).history(callerFrom(ctx.state), submissionDocumentId);
    ctx.body = { data, meta: { total: data.length } };
  },

  /** PUT /submissions/:documentId/grade { grade, feedback, status } */
  async grade(ctx: any) {
    const submissionDocumentId = documentIdParam(ctx.params.documentId);
    const input = parseGradeBody(ctx.request.body);
    const submission = await submissions(strapi).grade(callerFrom(ctx.state), submissionDocumentId, input, new Date());
    ctx.body = { data: submission, meta: {} };
  },
});

import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { callerFrom, isAdmin } from '../access/roles';
import { Refusal } from '../errors/refusal';
import { inspectUploadedFile } from './content-type';

/**
 * Rules around the upload plugin's content API (`POST /upload`, `DELETE /upload/files/:id`): what may be
 * uploaded, and who may replace or delete a file. The route permission says which roles may call at all
 * (src/access/permission-matrix.ts); these say what they may do once there.
 */
const FILE = 'plugin::upload.file';

export interface IncomingFile {
  filepath: string;
  originalFilename?: string | null;
  mimetype?: string | null;
  type?: string;
  size: number;
}

const bytesInMb = 1024 * 1024;

export function incomingFiles(ctx: any): IncomingFile[] {
  const files = ctx.request.files?.files;
  if (!files) return [];
  return Array.isArray(files) ? files : [files];
}

// Strapi would also take `ref`, `refId`, `field` (attach to any entry by id, no owner check) and `path`
// (where the bytes go). Attaching a file is done by updating the entry, where ownership is checked.
const UPLOAD_BODY_FIELDS = ['fileInfo'];

function assertOnlyFileInfo(body: unknown) {
  const fields = body && typeof body === 'object' ? Object.keys(body) : [];
  const refused = fields.filter((field) => !UPLOAD_BODY_FIELDS.includes(field));
  if (refused.length) {
    throw new errors.ValidationError(
      'Only fileInfo may accompany files; attach a file by updating the entry that uses it',
      {
        errors: refused.map((field) => ({
          path: [field],
          message: `${field} is not accepted here`,
          name: 'ValidationError',
        })),
      }
    );
  }
}

/**
 * Checks every file before any is stored (Strapi's own pass stores the valid ones and drops the rest), and
 * stamps each with the MIME type its content showed so the stored record and the bucket's Content-Type
 * tell the truth. For any route that takes multipart files; `field` names them in the errors.
 */
export async function assertFilesUploadable(
  strapi: Core.Strapi,
  files: IncomingFile[],
  field = 'files'
): Promise<void> {
  const sizeLimit = Number(strapi.config.get('plugin::upload.sizeLimit')) || Infinity;
  // Errors name files by name: the body parser lists them in the order they finish writing, not the order sent.
  const oversized = files.filter((file) => file.size > sizeLimit);
  if (oversized.length) {
    const limitMb = Math.round((sizeLimit / bytesInMb) * 100) / 100;
    throw new errors.PayloadTooLargeError(`Files may be at most ${limitMb} MB`, {
      reason: 'file_too_large',
      maxFileMb: limitMb,
      errors: oversized.map((file) => ({
        path: [field],
        message: `${file.originalFilename} is larger than ${limitMb} MB`,
        name: 'PayloadTooLargeError',
      })),
    });
  }
  const verdicts = await Promise.all(files.map(inspectUploadedFile));
  const refusals = verdicts.filter((verdict) => !verdict.accepted);
  if (refusals.length) {
    const dangerous = refusals.some((verdict) => verdict.reason === 'dangerous_content');
    throw new errors.ValidationError(refusals.map((verdict) => verdict.message).join('; '), {
      reason: dangerous ? 'dangerous_content' : 'file_type_not_allowed',
      errors: refusals.map((verdict) => ({ path: [field], message: verdict.message, name: 'ValidationError' })),
    });
  }
  verdicts.forEach((verdict, index) => {
    if (!verdict.accepted) return;
    files[index].mimetype = verdict.mime;
    files[index].type = verdict.mime;
  });
}

export async function vetUpload(strapi: Core.Strapi, ctx: any): Promise<void> {
  assertOnlyFileInfo(ctx.request.body);
  await assertFilesUploadable(strapi, incomingFiles(ctx));
}

/** Remembers who uploaded each new file: they (and admins) may later replace or delete it. */
export async function recordUploader(strapi: Core.Strapi, ctx: any): Promise<void> {
  const userId = ctx.state.user?.id;
  const body = ctx.body;
  const uploaded: Array<{ id: number }> = Array.isArray(body) ? body : body ? [body] : [];
  if (!userId || !uploaded.length) return;
  // One by one: the uploader is a relation, which a bulk update does not write.
  for (const file of uploaded)
    await strapi.db.query(FILE).update({ where: { id: file.id }, data: { uploadedBy: userId } });
}

/** Replacing or deleting a file is its uploader's or an admin's business; anyone else sees 403. */
export async function assertMayChangeFile(strapi: Core.Strapi, ctx: any, fileId: unknown): Promise<void> {
  const caller = callerFrom(ctx.state);
  if (isAdmin(caller)) return;
  if (typeof fileId !== 'string' && typeof fileId !== 'number') return; // Strapi's own validation answers malformed ids
  if (!/^\d+$/.test(String(fileId))) return;
  const file = await strapi.db
    .query(FILE)
    .findOne({ where: { id: Number(fileId) }, select: ['id'], populate: { uploadedBy: { select: ['id'] } } });
  if (!file) throw new errors.NotFoundError('File not found');
  if (file.uploadedBy?.id !== caller.userId)
    throw new Refusal('Only the uploader or an admin may change this file', 'not_file_owner');
}

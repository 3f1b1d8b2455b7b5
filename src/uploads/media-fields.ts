import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { mediaKindOf, type MediaKind } from './content-type';

/**
 * A media field takes only the kinds its schema's `allowedTypes` lists (course cover: images, lesson
 * video: videos, lesson materials and submission files: documents and images). Strapi checks this in the
 * admin panel only; the content API would attach an executable's record as a course cover. Checked
 * against the MIME type stored at upload, which is the one the content showed (see content-type.ts).
 */
const FILE = 'plugin::upload.file';

interface MediaAttribute {
  type: 'media';
  allowedTypes?: MediaKind[];
}

/** File ids named by a media value: an id, `{ id }`, a list of them, or `{ connect | set: [...] }`. */
export function fileIdsIn(value: unknown): number[] {
  if (value == null) return [];
  if (typeof value === 'number') return Number.isInteger(value) ? [value] : [];
  if (typeof value === 'string') return /^\d+$/.test(value) ? [Number(value)] : [];
  if (Array.isArray(value)) return value.flatMap(fileIdsIn);
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if ('id' in record) return fileIdsIn(record.id);
    return [...fileIdsIn(record.connect), ...fileIdsIn(record.set)];
  }
  return [];
}

export function fitsKinds(mime: string, allowedTypes: MediaKind[] | undefined): boolean {
  return !allowedTypes?.length || allowedTypes.includes(mediaKindOf(mime));
}

/** Throws a 400 naming each media field whose files are of a kind the field does not take. */
export async function assertMediaFitsFields(strapi: Core.Strapi, uid: string, data: Record<string, unknown>): Promise<void> {
  const attributes = strapi.getModel(uid as any)?.attributes ?? {};
  const problems: Array<{ path: string[]; message: string; name: string }> = [];
  for (const [field, attribute] of Object.entries(attributes) as Array<[string, MediaAttribute]>) {
    if (attribute.type !== 'media' || !(field in data)) continue;
    const ids = fileIdsIn(data[field]);
    if (!ids.length) continue;
    const files: Array<{ id: number; mime: string; name: string }> = await strapi.db
      .query(FILE)
      .findMany({ where: { id: { $in: ids } }, select: ['id', 'mime', 'name'] });
    const misfits = files.filter((file) => !fitsKinds(file.mime, attribute.allowedTypes));
    if (misfits.length) {
      problems.push({
        path: [field],
        message: `${field} takes ${attribute.allowedTypes?.join(' or ')} only; ${misfits.map((file) => `${file.name} is ${file.mime}`).join(', ')}`,
        name: 'ValidationError',
      });
    }
  }
  if (problems.length) {
    throw new errors.ValidationError(problems.map((problem) => problem.message).join('; '), { reason: 'file_type_not_allowed', errors: problems });
  }
}

/** Every write through the document service (REST, GraphQL, plugins) passes the check. */
export function guardMediaFields(strapi: Core.Strapi): void {
  strapi.documents.use(async (context, next) => {
    if (!['create', 'update'].includes(context.action)) return next();
    const data = (context.params as { data?: Record<string, unknown> }).data;
    if (data && typeof data === 'object') await assertMediaFitsFields(strapi, context.uid, data);
    return next();
  });
}

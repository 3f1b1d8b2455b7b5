import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { callerFrom, isAdmin } from '../access/roles';
import { forbidden } from '../errors/refusal';
import { mediaKindOf, type MediaKind } from './content-type';
import { nestedEntries, type NestedAttribute } from '../content/nested-entries';

/**
 * Rules for attaching files to media fields (avatar, course cover, lesson video and materials, submission
 * files, article covers, and any media field added later, components included), on every write:
 *
 * 1. Ownership: a file may be attached only by whoever uploaded it, or by staff (contract, "Uploads"), else
 *    403 `not_file_owner`. Otherwise one user's upload (a student's submission, say) could be published by
 *    anyone who learns its id, as a course cover. Files already attached to the entry being written stay
 *    attachable, so saving a whole entry (the admin panel does) works for every one of its editors.
 * 2. Kinds: a media field takes only the kinds its schema's `allowedTypes` lists (course cover: images, lesson
 *    video: videos, lesson materials and submission files: documents and images). Strapi checks this in the
 *    admin panel only; the content API would attach an executable's record as a course cover. Checked
 *    against the MIME type stored at upload, which is the one the content showed (see content-type.ts).
 */
const FILE = 'plugin::upload.file';

/** Admin-panel roles that act for the site: they may attach any file. Other panel roles attach their own uploads. */
export const STAFF_ADMIN_ROLE_CODES = ['strapi-super-admin', 'strapi-editor'];

interface MediaAttribute extends NestedAttribute {
  allowedTypes?: MediaKind[];
}

/** Who is attaching: staff, an API user, an admin-panel user (not staff), or a caller with no account. */
export type AttachingCaller =
  | { kind: 'staff' }
  | { kind: 'api-user'; userId: number }
  | { kind: 'panel-user'; adminUserId: number }
  | { kind: 'anonymous' };

interface RequestState {
  auth?: { strategy?: { name?: string } } | null;
  user?: { id: number; role?: { type?: string } | null; roles?: Array<{ code?: string }> } | null;
}

/** The caller of a request's state, as far as attaching files goes. */
export function attachingCallerFrom(state: RequestState): AttachingCaller {
  if (state.auth?.strategy?.name === 'admin') {
    if (!state.user) return { kind: 'anonymous' };
    const roles = state.user.roles ?? [];
    return roles.some((role) => role.code && STAFF_ADMIN_ROLE_CODES.includes(role.code))
      ? { kind: 'staff' }
      : { kind: 'panel-user', adminUserId: state.user.id };
  }
  const caller = callerFrom(state);
  if (isAdmin(caller)) return { kind: 'staff' };
  return caller.userId ? { kind: 'api-user', userId: caller.userId } : { kind: 'anonymous' };
}

/**
 * The caller of the request this write belongs to; null when there is no request (bootstrap, demo data, jobs,
 * tests calling services): code the project runs itself is trusted.
 */
export function requestAttachingCaller(strapi: Core.Strapi): AttachingCaller | null {
  const ctx = strapi.requestContext.get() as { state?: RequestState } | undefined;
  return ctx ? attachingCallerFrom(ctx.state ?? {}) : null;
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

/** Document ids named by a media value (`'abc…'`, `{ documentId }`), in case a writer resolves files by them. */
export function fileDocumentIdsIn(value: unknown): string[] {
  if (value == null) return [];
  if (typeof value === 'string') return /^\d+$/.test(value) || !value ? [] : [value];
  if (Array.isArray(value)) return value.flatMap(fileDocumentIdsIn);
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if ('id' in record) return [];
    if ('documentId' in record) return fileDocumentIdsIn(record.documentId);
    return [...fileDocumentIdsIn(record.connect), ...fileDocumentIdsIn(record.set)];
  }
  return [];
}

export function fitsKinds(mime: string, allowedTypes: MediaKind[] | undefined): boolean {
  return !allowedTypes?.length || allowedTypes.includes(mediaKindOf(mime));
}

/** One media field named in written data: where it is, what it takes, and the files it names. */
export interface MediaUse {
  path: string[];
  allowedTypes?: MediaKind[];
  ids: number[];
  documentIds: string[];
}

/** Every media field in `data` for the model `uid`, components (single, repeatable, dynamic zones) included. */
export function mediaUsesIn(strapi: Core.Strapi, uid: string, data: unknown, path: string[] = []): MediaUse[] {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return [];
  const record = data as Record<string, unknown>;
  const attributes = (strapi.getModel(uid as any)?.attributes ?? {}) as Record<string, MediaAttribute>;
  const uses: MediaUse[] = [];
  for (const [field, attribute] of Object.entries(attributes)) {
    if (!(field in record) || record[field] == null) continue;
    const value = record[field];
    if (attribute.type === 'media') {
      const ids = fileIdsIn(value);
      const documentIds = fileDocumentIdsIn(value);
      if (ids.length || documentIds.length)
        uses.push({ path: [...path, field], allowedTypes: attribute.allowedTypes, ids, documentIds });
    } else {
      for (const entry of nestedEntries(attribute, value, [...path, field]))
        uses.push(...mediaUsesIn(strapi, entry.uid, entry.data, entry.path));
    }
  }
  return uses;
}

interface FileRow {
  id: number;
  documentId: string;
  mime: string;
  name: string;
  uploadedBy?: { id: number } | null;
  createdBy?: { id: number } | null;
}

async function filesNamedBy(strapi: Core.Strapi, uses: MediaUse[]): Promise<FileRow[]> {
  const ids = [...new Set(uses.flatMap((use) => use.ids))];
  const documentIds = [...new Set(uses.flatMap((use) => use.documentIds))];
  const where: Record<string, unknown>[] = [];
  if (ids.length) where.push({ id: { $in: ids } });
  if (documentIds.length) where.push({ documentId: { $in: documentIds } });
  if (!where.length) return [];
  return strapi.db.query(FILE).findMany({
    where: { $or: where },
    select: ['id', 'documentId', 'mime', 'name'],
    populate: { uploadedBy: { select: ['id'] }, createdBy: { select: ['id'] } },
  });
}

const filesOf = (files: FileRow[], use: MediaUse) =>
  files.filter((file) => use.ids.includes(file.id) || use.documentIds.includes(file.documentId));

export function isOwnFile(caller: AttachingCaller, file: Pick<FileRow, 'uploadedBy' | 'createdBy'>): boolean {
  switch (caller.kind) {
    case 'staff':
      return true;
    case 'api-user':
      return file.uploadedBy?.id === caller.userId;
    case 'panel-user':
      return file.createdBy?.id === caller.adminUserId;
    default:
      return false;
  }
}

/**
 * The one check every write path calls before it attaches files: 403 `not_file_owner` naming each field with
 * someone else's file, then 400 naming each field with a file of a kind it does not take. `caller` null is a
 * write made by the project's own code (no request): only kinds are checked. `alreadyAttached` gives the ids
 * of files the entry holds now, asked only when a file is not the caller's.
 */
export async function assertFilesAttachable(
  strapi: Core.Strapi,
  caller: AttachingCaller | null,
  uses: MediaUse[],
  alreadyAttached: () => Promise<Set<number>> = async () => new Set()
): Promise<void> {
  if (!uses.length) return;
  const files = await filesNamedBy(strapi, uses);
  if (caller) {
    const foreign = files.filter((file) => !isOwnFile(caller, file));
    let attached: Set<number> | undefined;
    if (foreign.length) attached = await alreadyAttached();
    const refused = uses.filter((use) => filesOf(foreign, use).some((file) => !attached!.has(file.id)));
    if (refused.length) {
      throw forbidden(
        'A file may be attached only by its uploader or by staff',
        'not_file_owner',
        refused.map((use) => ({
          path: use.path,
          message: `${use.path.join('.')} names a file you did not upload`,
          name: 'ForbiddenError',
        }))
      );
    }
  }
  const problems = uses.flatMap((use) => {
    const misfits = filesOf(files, use).filter((file) => !fitsKinds(file.mime, use.allowedTypes));
    return misfits.length
      ? [
          {
            path: use.path,
            message: `${use.path.join('.')} takes ${use.allowedTypes?.join(' or ')} only; ${misfits.map((file) => `${file.name} is ${file.mime}`).join(', ')}`,
            name: 'ValidationError',
          },
        ]
      : [];
  });
  if (problems.length) {
    throw new errors.ValidationError(problems.map((problem) => problem.message).join('; '), {
      reason: 'file_type_not_allowed',
      errors: problems,
    });
  }
}

/** The populate that reaches every media field of a model, through its components. */
function mediaPopulate(strapi: Core.Strapi, uid: string, depth = 0): Record<string, unknown> {
  const populate: Record<string, unknown> = {};
  if (depth > 4) return populate;
  const attributes = (strapi.getModel(uid as any)?.attributes ?? {}) as Record<string, MediaAttribute>;
  for (const [field, attribute] of Object.entries(attributes)) {
    if (attribute.type === 'media') populate[field] = { select: ['id'] };
    else if (attribute.type === 'component' && attribute.component) {
      const inner = mediaPopulate(strapi, attribute.component, depth + 1);
      if (Object.keys(inner).length) populate[field] = { populate: inner };
    }
  }
  return populate;
}

/** File ids in a row read with mediaPopulate: ids of media values only, never of the components holding them. */
function collectFileIds(row: unknown, populate: Record<string, unknown>, into: Set<number>): void {
  for (const item of Array.isArray(row) ? row : [row]) {
    if (!item || typeof item !== 'object') continue;
    for (const [field, spec] of Object.entries(populate)) {
      const value = (item as Record<string, unknown>)[field];
      const inner = (spec as { populate?: Record<string, unknown> }).populate;
      if (inner) collectFileIds(value, inner, into);
      else
        for (const file of Array.isArray(value) ? value : [value])
          if (file && typeof (file as { id?: unknown }).id === 'number') into.add((file as { id: number }).id);
    }
  }
}

/** Ids of the files a document holds now in any of its media fields (every locale, draft and published). */
export async function attachedFileIds(strapi: Core.Strapi, uid: string, documentId: unknown): Promise<Set<number>> {
  const ids = new Set<number>();
  if (typeof documentId !== 'string' || !documentId) return ids;
  const populate = mediaPopulate(strapi, uid);
  if (!Object.keys(populate).length) return ids;
  const rows = await strapi.db.query(uid as any).findMany({ where: { documentId }, select: ['id'], populate });
  collectFileIds(rows, populate, ids);
  return ids;
}

/** Every write through the document service (REST, GraphQL, the admin panel, plugins) passes the checks. */
export function guardMediaFields(strapi: Core.Strapi): void {
  strapi.documents.use(async (context, next) => {
    if (!['create', 'update', 'clone'].includes(context.action)) return next();
    const params = context.params as { data?: Record<string, unknown>; documentId?: string };
    const uses = mediaUsesIn(strapi, context.uid, params.data);
    if (uses.length) {
      const caller = requestAttachingCaller(strapi);
      await assertFilesAttachable(strapi, caller, uses, () =>
        context.action === 'create'
          ? Promise.resolve(new Set<number>())
          : attachedFileIds(strapi, context.uid, params.documentId)
      );
    }
    return next();
  });
}

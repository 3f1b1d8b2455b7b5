import { AsyncLocalStorage } from 'async_hooks';
import { promises as fs } from 'fs';
import path from 'path';
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Caller } from '../access/roles';
import { forbidden, notFound } from '../errors/refusal';
import { describeVideoAssets } from '../media';
import { cadenceFrom, defineJob, defineSchedule, type ScheduledRun } from '../jobs';
import { inspectUploadedFile } from './content-type';
import { withSizeLimit } from './size-limit';

/**
 * Resumable uploads (contract "Media"): the tus 1.0 protocol at `/api/uploads/resumable` through `@tus/server` and its
 * file store, for files above UPLOAD_MAX_FILE_MB (videos up to VIDEO_MAX_FILE_MB). Signed-in callers only; an upload
 * is its creator's (HEAD, PATCH, DELETE by anyone else: 403); ids are the server's own (32 hex digits), so no name a
 * client sends becomes a path. When the last byte arrives the file is judged by its content as `POST /upload` judges
 * it (400 `file_type_not_allowed` / `dangerous_content`, removed), then stored through Strapi's upload service (the
 * provider, the file row, its uploader, its video asset) and the PATCH answers 200 with the stored file. Unfinished
 * uploads expire (RESUMABLE_UPLOAD_EXPIRY_HOURS) and a schedule deletes them.
 */

const bytesInMb = 1024 * 1024;
export const RESUMABLE_PATH = '/api/uploads/resumable';
const UPLOAD_ID = /^[0-9a-f]{32}$/;
const OWNER_KEY = 'lyceumUploader';

export const videoMaxBytes = (env: NodeJS.ProcessEnv = process.env) => {
  const mb = Number(env.VIDEO_MAX_FILE_MB ?? 4096);
  return (Number.isFinite(mb) && mb > 0 ? mb : 4096) * bytesInMb;
};
const expiryMs = (env: NodeJS.ProcessEnv = process.env) => {
  const hours = Number(env.RESUMABLE_UPLOAD_EXPIRY_HOURS ?? 24);
  return (Number.isFinite(hours) && hours > 0 ? hours : 24) * 3_600_000;
};

interface TusUpload {
  id: string;
  size?: number;
  offset: number;
  metadata?: Record<string, string | null>;
}

interface TusDataStore {
  getUpload(id: string): Promise<TusUpload>;
  remove(id: string): Promise<void>;
  deleteExpired(): Promise<number>;
}

interface TusServer {
  handle(req: unknown, res: unknown): Promise<void>;
  datastore: TusDataStore;
}

interface TusModules {
  server: { Server: new (options: Record<string, unknown>) => TusServer };
  fileStore: { FileStore: new (options: Record<string, unknown>) => TusDataStore };
}

/** @tus/server is ESM only; Node 20.19+ loads it through require, as src/uploads/content-type.ts loads file-type. */
function loadTus(): TusModules {
  const nodeModule = process.getBuiltinModule('module') as typeof import('module');
  const load = nodeModule.createRequire(__filename);
  return { server: load('@tus/server'), fileStore: load('@tus/file-store') };
}

/** What the hooks need of the request under way (tus calls them inside `handle`). */
interface ResumableRequest {
  strapi: Core.Strapi;
  userId: number;
}
const requests = new AsyncLocalStorage<ResumableRequest>();

/** A refusal thrown inside tus's hooks: tus answers `status_code` with `body`, here Strapi's error shape as JSON. */
class TusRefusal extends Error {
  readonly status_code: number;
  readonly body: string;
  constructor(status: number, name: string, message: string, details: Record<string, unknown>) {
    super(message);
    this.status_code = status;
    this.body = JSON.stringify({ data: null, error: { status, name, message, details } });
  }
}
const tusRefusal = (status: number, name: string, message: string, details: Record<string, unknown>) =>
  new TusRefusal(status, name, message, details);

const servers = new WeakMap<Core.Strapi, { tus: TusServer; directory: string }>();

export function resumableDirectory(strapi: Core.Strapi): string {
  return path.resolve(process.env.RESUMABLE_UPLOAD_DIR?.trim() || path.join(strapi.dirs.app.root, '.tmp', 'resumable'));
}

async function storeFinishedUpload(strapi: Core.Strapi, userId: number, upload: TusUpload, filePath: string) {
  const originalFilename = (upload.metadata?.filename || upload.metadata?.name || 'upload').slice(0, 200);
  const declared = upload.metadata?.filetype || upload.metadata?.type || undefined;
  const verdict = await inspectUploadedFile({ filepath: filePath, originalFilename, mimetype: declared });
  if (!verdict.accepted)
    throw tusRefusal(400, 'ValidationError', verdict.message, {
      reason: verdict.reason,
      errors: [{ path: ['file'], message: verdict.message, name: 'ValidationError' }],
    });
  const size = upload.size ?? upload.offset;
  const isVideo = verdict.mime.startsWith('video/');
  const limit = isVideo ? videoMaxBytes() : Number(strapi.config.get('plugin::upload.sizeLimit')) || Infinity;
  if (size > limit) {
    const limitMb = Math.round((limit / bytesInMb) * 100) / 100;
    throw tusRefusal(413, 'PayloadTooLargeError', `Files of this type may be at most ${limitMb} MB`, {
      reason: 'file_too_large',
      maxFileMb: limitMb,
    });
  }
  const file = { filepath: filePath, originalFilename, mimetype: verdict.mime, type: verdict.mime, size };
  const [stored] = (await withSizeLimit(limit, () =>
    strapi
      .plugin('upload')
      .service('upload')
      .upload({ data: { fileInfo: { name: originalFilename } }, files: file })
  )) as Array<{ id: number }>;
  await strapi.db.query('plugin::upload.file').update({ where: { id: stored.id }, data: { uploadedBy: userId } });
  return stored;
}

function tusServerOf(strapi: Core.Strapi): { tus: TusServer; directory: string } {
  const known = servers.get(strapi);
  if (known) return known;
  const { server, fileStore } = loadTus();
  const directory = resumableDirectory(strapi);
  const datastore = new fileStore.FileStore({ directory, expirationPeriodInMilliseconds: expiryMs() });
  const tus = new server.Server({
    path: RESUMABLE_PATH,
    datastore,
    relativeLocation: true,
    maxSize: () => videoMaxBytes(),
    // Ids are the server's: the client's metadata never names a file on disk.
    async onUploadCreate(_req: unknown, upload: TusUpload) {
      const request = requests.getStore();
      if (!request) throw tusRefusal(401, 'UnauthorizedError', 'Sign in first', {});
      return { metadata: { ...upload.metadata, [OWNER_KEY]: String(request.userId) } };
    },
    async onUploadFinish(_req: unknown, upload: TusUpload) {
      const request = requests.getStore()!;
      const filePath = path.join(directory, upload.id);
      try {
        const stored = await storeFinishedUpload(request.strapi, request.userId, upload, filePath);
        return {
          status_code: 200,
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(await presentStored(request.strapi, stored)),
        };
      } finally {
        // Stored or refused, the partial file is done with.
        await datastore.remove(upload.id).catch(() => undefined);
      }
    },
  }) as TusServer;
  const entry = { tus, directory };
  servers.set(strapi, entry);
  return entry;
}

/** The stored file as `POST /upload` answers it, with its video asset when it is a video. */
async function presentStored(strapi: Core.Strapi, stored: { id: number }) {
  const row = await strapi.db
    .query('plugin::upload.file')
    .findOne({ where: { id: stored.id }, select: ['id', 'documentId', 'name', 'url', 'mime', 'size', 'ext'] });
  await describeVideoAssets(strapi, row);
  return row;
}

/** Checks a request on an existing upload: its id is one the server made, and the caller created it. */
async function assertOwnUpload(strapi: Core.Strapi, caller: Caller, uploadId: string): Promise<void> {
  if (!UPLOAD_ID.test(uploadId)) throw notFound('No resumable upload has this id');
  let upload: TusUpload;
  try {
    upload = await tusServerOf(strapi).tus.datastore.getUpload(uploadId);
  } catch {
    throw notFound('No resumable upload has this id');
  }
  if (upload.metadata?.[OWNER_KEY] !== String(caller.userId))
    throw forbidden('Only its creator may continue or cancel this upload', 'not_file_owner');
}

/**
 * One tus request (POST to create; HEAD, PATCH, DELETE on `/:uploadId`), answered by @tus/server itself. Checks
 * before it: a signed-in caller, the upload's owner, and a declared length within VIDEO_MAX_FILE_MB (413
 * `file_too_large` in Strapi's shape).
 */
export async function handleResumable(strapi: Core.Strapi, ctx: any, caller: Caller): Promise<void> {
  if (caller.userId === null) throw new errors.UnauthorizedError('Sign in first');
  const uploadId: string | undefined = ctx.params?.uploadId;
  if (uploadId !== undefined) await assertOwnUpload(strapi, caller, uploadId);
  if (ctx.method === 'POST') {
    const declared = Number(ctx.get('upload-length'));
    if (Number.isFinite(declared) && declared > videoMaxBytes()) {
      const limitMb = Math.round((videoMaxBytes() / bytesInMb) * 100) / 100;
      throw new errors.PayloadTooLargeError(`Files may be at most ${limitMb} MB`, {
        reason: 'file_too_large',
        maxFileMb: limitMb,
      });
    }
  }
  const { tus } = tusServerOf(strapi);
  ctx.respond = false;
  await requests.run({ strapi, userId: caller.userId }, () => tus.handle(ctx.req, ctx.res));
}

/**
 * `OPTIONS /api/uploads/resumable`: tus discovery, answered by the tus server (204 with `Tus-Version`,
 * `Tus-Extension`, `Tus-Max-Size`); no sign-in, as tus 1.0 asks. Strapi's routes take no OPTIONS method, so it is a
 * route of the server's router, like `/_ready`. A browser's CORS preflight (an `Origin` header) is answered before
 * it by `strapi::cors`.
 */
export function serveResumableDiscovery(strapi: Core.Strapi): void {
  strapi.server.router.options(RESUMABLE_PATH, async (ctx: any) => {
    const { tus } = tusServerOf(strapi);
    ctx.respond = false;
    await tus.handle(ctx.req, ctx.res);
  });
}

/** Deletes unfinished uploads past their expiry (the schedule's job); the number removed. */
export async function deleteExpiredResumableUploads(strapi: Core.Strapi): Promise<number> {
  const { tus, directory } = tusServerOf(strapi);
  await fs.mkdir(directory, { recursive: true });
  return tus.datastore.deleteExpired();
}

export const expireResumableUploadsJob = defineJob<ScheduledRun>('uploads.expire-resumable', async (strapi) => {
  const removed = await deleteExpiredResumableUploads(strapi);
  if (removed > 0) strapi.log.info(`uploads: ${removed} abandoned resumable upload(s) deleted`);
});

/** Hourly by default (RESUMABLE_UPLOAD_CLEANUP_CRON): unfinished uploads older than their expiry are deleted. */
export function scheduleResumableCleanup(): void {
  defineSchedule(
    'uploads.expire-resumable',
    cadenceFrom('RESUMABLE_UPLOAD_CLEANUP_CRON', process.env.RESUMABLE_UPLOAD_CLEANUP_CRON, { cron: '41 * * * *' }),
    expireResumableUploadsJob
  );
}

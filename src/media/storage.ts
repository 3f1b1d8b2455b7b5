import { createReadStream, createWriteStream, promises as fs } from 'fs';
import path from 'path';
import { Readable } from 'stream';
import { pipeline } from 'stream/promises';
import type { Core } from '@strapi/strapi';
import { mimeOfOutput } from './hls';

/**
 * Where a video's bytes are: the source through the upload provider that stored it, the conversion's outputs
 * published through the same provider (public/uploads on the local provider, the bucket with S3), each under a
 * per-attempt prefix (`video_<asset>_<attempt>_<name>`), so a retry never overwrites what is being served.
 */

/** One published output, as the asset row keeps it. */
export interface StoredOutput {
  hash: string;
  ext: string;
  url: string;
  mime: string;
  size: number;
}

export type StoredOutputs = Record<string, StoredOutput>;

interface UploadProvider {
  uploadStream?(file: Record<string, unknown>): Promise<void>;
  upload(file: Record<string, unknown>): Promise<void>;
  delete(file: Record<string, unknown>): Promise<void>;
  isPrivate?(): boolean | Promise<boolean>;
  getSignedUrl?(file: Record<string, unknown>): Promise<{ url: string }>;
}

const providerOf = (strapi: Core.Strapi) => strapi.plugin('upload').provider as unknown as UploadProvider;

/** A URL the local provider wrote (`/uploads/<name>`) as a path under public/, or null for anything else. */
export function localPathOf(strapi: Core.Strapi, url: string): string | null {
  if (!url.startsWith('/uploads/')) return null;
  const publicDir = path.resolve(strapi.dirs.static.public);
  const full = path.resolve(publicDir, `.${url.split('?')[0]}`);
  return full.startsWith(publicDir + path.sep) ? full : null;
}

async function isPrivateBucket(strapi: Core.Strapi): Promise<boolean> {
  const provider = providerOf(strapi);
  return typeof provider.isPrivate === 'function' ? Boolean(await provider.isPrivate()) : false;
}

/** A URL the bucket answers for a stored object now: presigned when the bucket is private. */
export async function remoteUrlOf(strapi: Core.Strapi, file: { url: string; hash: string; ext: string }) {
  const provider = providerOf(strapi);
  if ((await isPrivateBucket(strapi)) && provider.getSignedUrl) return (await provider.getSignedUrl(file)).url;
  return file.url;
}

/** The source's bytes as a file on this machine: the local provider's own file, or a copy in `workDir`. */
export async function sourceOnDisk(
  strapi: Core.Strapi,
  file: { url: string; hash: string; ext: string | null },
  workDir: string
): Promise<string> {
  const local = localPathOf(strapi, file.url);
  if (local) return local;
  if (!/^https?:\/\//i.test(file.url)) throw new Error('the source is in no storage Lyceum knows');
  const response = await fetch(await remoteUrlOf(strapi, { ...file, ext: file.ext ?? '' }));
  if (!response.ok || !response.body) throw new Error(`the storage answered ${response.status} for the source`);
  const copy = path.join(workDir, `source${file.ext && /^\.[a-z0-9]{1,8}$/i.test(file.ext) ? file.ext : ''}`);
  await pipeline(Readable.fromWeb(response.body as never), createWriteStream(copy));
  return copy;
}

/** Publishes every file of `dir` named in `names` under `prefix`; on a failure, deletes what it published. */
export async function publishOutputs(
  strapi: Core.Strapi,
  dir: string,
  prefix: string,
  names: string[]
): Promise<StoredOutputs> {
  const provider = providerOf(strapi);
  const published: StoredOutputs = {};
  try {
    for (const name of names) {
      const full = path.join(dir, name);
      const { size } = await fs.stat(full);
      // Segments are stored as `.m2ts`: a `.ts` file under public/ would be taken for TypeScript by the app's build.
      const ext = name.endsWith('.ts') ? '.m2ts' : path.extname(name);
      const mime = mimeOfOutput(name);
      const file: Record<string, unknown> = {
        name,
        hash: `${prefix}_${path.basename(name, path.extname(name))}`,
        ext,
        mime,
        size: size / 1024,
        sizeInBytes: size,
      };
      if (provider.uploadStream) {
        file.stream = createReadStream(full);
        await provider.uploadStream(file);
      } else {
        file.buffer = await fs.readFile(full);
        await provider.upload(file);
      }
      // The providers write the URL they stored the object at into the file they were given.
      published[name] = { hash: file.hash as string, ext, url: String(file.url ?? ''), mime, size };
    }
    return published;
  } catch (error) {
    await deleteOutputs(strapi, published);
    throw error;
  }
}

/** Deletes published outputs (a superseded attempt, a deleted video); a missing object is no error. */
export async function deleteOutputs(strapi: Core.Strapi, outputs: StoredOutputs): Promise<void> {
  const provider = providerOf(strapi);
  for (const [name, output] of Object.entries(outputs)) {
    try {
      await provider.delete({ ...output, name });
    } catch (error) {
      strapi.log.warn(`media: could not delete ${output.hash}${output.ext}: ${(error as Error).message}`);
    }
  }
}

/** A playlist's text. */
export async function readOutputText(strapi: Core.Strapi, output: StoredOutput): Promise<string> {
  const local = localPathOf(strapi, output.url);
  if (local) return fs.readFile(local, 'utf8');
  const response = await fetch(await remoteUrlOf(strapi, output));
  if (!response.ok) throw new Error(`the storage answered ${response.status}`);
  return response.text();
}

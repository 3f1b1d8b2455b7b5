import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import fs from 'fs/promises';
import { koaBody } from 'koa-body';
import mime from 'mime-types';

import { isPatchOn } from './switches';

/**
 * Patch: `strapi::body` (koa-body), registered in place of the stock middleware (index.ts, registry `extend`).
 *
 * Stock (@strapi/core dist/middlewares/body.js, `body`): builds a new koa-body on every request, which validates
 * its options anew (with zod); GraphQL parses its own body, files get a MIME type from their name when the client
 * sent none, an oversized file is a 413, temporary files are removed.
 * Change: koa-body is built once; the rest is the stock behaviour, plus two contract fixes: a POST/PUT without a
 * Content-Type gets `{}` as its body (stock: undefined, and users-permissions actions then answer 500), a
 * multipart body formidable cannot read is a 400 (stock: 500), and the temporary files of a request that fails
 * (a refused or failed upload) are removed too (stock: only after a success, so each failure left its files in the
 * temporary directory).
 * Gain: with security-middleware.ts, `/_health` went from about 2,400 to about 5,500 requests/s on the bench machine.
 * Off (STRAPI_PATCHES_OFF=body-middleware): koa-body is built on every request as stock; the fixes stay.
 * On upgrade: diff the stock file against the handler below (GraphQL skip, MIME types, 413s, clean-up).
 */
type UploadedFile = { type?: string; name?: string; filepath?: string };

const ensureFileMimeType = (file: UploadedFile) => {
  if (!file.type) file.type = (file.name && mime.lookup(file.name)) || 'application/octet-stream';
};
/**
 * A multipart body the parser (formidable) refuses: no boundary, a stream that ends mid-part, too many fields.
 * Formidable marks these with an `httpCode` but not the `status` Strapi's error middleware reads, so unhandled
 * they would be 500s (contract, "Bad input": nothing a client sends gives a 500).
 */
const clientErrorCodeOf = (error: unknown): number | undefined => {
  const code = (error as { httpCode?: unknown })?.httpCode;
  return typeof code === 'number' && code >= 400 && code < 500 ? code : undefined;
};

const filesOf = (ctx: any): UploadedFile | UploadedFile[] | undefined => ctx?.request?.files?.files;

/**
 * Payment webhooks are verified against the exact bytes the provider signed (Stripe's `constructEvent`, the
 * sandbox's HMAC): for these paths only, the body is read as it came, into `ctx.request.rawBody` (a Buffer), and
 * not parsed; the webhook controller parses it after the check. Read here rather than through koa-body's
 * `includeUnparsed`, which keeps a decoded string (not the bytes) and has been reported missing on Strapi 5.
 */
const RAW_BODY_PATH = /^\/payments\/webhooks\/[^/]+\/?$/;

async function readRawBody(ctx: any, limitBytes: number): Promise<Buffer> {
  const declared = Number(ctx.get('content-length') || 0);
  if (declared > limitBytes) ctx.throw(413, 'The body is too large');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) ctx.throw(413, 'The body is too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** koa-body's limits are strings like `1mb`; the raw webhook body honours the JSON one. */
function bytesOf(limit: unknown, fallback: number): number {
  const match = typeof limit === 'string' ? /^(\d+)\s*(b|kb|mb)?$/i.exec(limit.trim()) : null;
  if (!match) return typeof limit === 'number' ? limit : fallback;
  const unit = (match[2] ?? 'b').toLowerCase();
  return Number(match[1]) * (unit === 'mb' ? 1024 * 1024 : unit === 'kb' ? 1024 : 1);
}

export default (config: object, { strapi }: { strapi: Core.Strapi }) => {
  const options = { multipart: true, patchKoa: true, ...config };
  const builtOnce = koaBody(options);
  const parse: typeof builtOnce = isPatchOn('body-middleware') ? builtOnce : (ctx, next) => koaBody(options)(ctx, next);
  const graphqlEndpoint: string | undefined = strapi.plugin('graphql')?.config('endpoint');
  const restPrefix = strapi.config.get<string>('api.rest.prefix', '/api');
  const rawBodyLimit = bytesOf((config as { jsonLimit?: unknown }).jsonLimit, 1024 * 1024);
  return async (ctx: any, next: () => Promise<unknown>) => {
    if (graphqlEndpoint && ctx.url === graphqlEndpoint) return next();
    if (
      ctx.method === 'POST' &&
      ctx.path.startsWith(restPrefix) &&
      RAW_BODY_PATH.test(ctx.path.slice(restPrefix.length))
    ) {
      ctx.request.rawBody = await readRawBody(ctx, rawBodyLimit);
      ctx.request.body = {};
      return next();
    }
    try {
      await parse(ctx, async () => undefined);
      // koa-body leaves no body at all on a POST/PUT without a Content-Type (it gives {} to the methods it does not
      // parse). Stock users-permissions actions (login, forgot-password, change-password, create user…) then
      // destructure undefined and answer 500; an empty object lets their validation answer 400.
      if (ctx.request.body === undefined) ctx.request.body = {};
      const files = filesOf(ctx);
      if (files) [files].flat().forEach(ensureFileMimeType);
      await next();
    } catch (error) {
      if (error instanceof Error && error.message?.includes('maxFileSize') && error.message.includes('exceeded'))
        return ctx.payloadTooLarge('FileTooBig');
      const clientErrorCode = clientErrorCodeOf(error);
      if (clientErrorCode === 413) return ctx.payloadTooLarge('BodyTooLarge');
      if (clientErrorCode) {
        throw new errors.ValidationError('Malformed multipart body', {
          errors: [
            {
              path: ['body'],
              message: 'The multipart body cannot be read (a boundary is missing or a part is cut short)',
              name: 'ValidationError',
            },
          ],
        });
      }
      throw error;
    } finally {
      const files = filesOf(ctx);
      if (files) {
        // Not awaited, as in the stock middleware: the answer need not wait for the clean-up.
        for (const file of [files].flat())
          if (file.filepath) fs.rm(file.filepath, { force: true }).catch(() => undefined);
        delete ctx.request.files;
      }
    }
  };
};

import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { positiveIntegerParam } from '../../../../../access/params';
import { enqueue } from '../../../../../jobs';
import { signCredential } from '../credential-job';
import { isSigningConfigured } from '../credentials/signing-keys';
import type credentialsService from '../services/credentials';
import type { ServedDocument } from '../services/credentials';

const credentials = (strapi: Core.Strapi) =>
  strapi.plugin('certificates').service('credentials') as ReturnType<typeof credentialsService>;

/** Whether the request's If-None-Match names this ETag (a list, weak or strong, or `*`). */
export function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === '*' || tag === etag);
}

/** Answers a stored JSON-LD document as it is, with its ETag; 304 when the caller holds it already. */
export function answerDocument(ctx: any, document: ServedDocument, cacheControl: string, type = 'application/ld+json') {
  ctx.set('ETag', document.etag);
  ctx.set('Cache-Control', cacheControl);
  if (matchesEtag(ctx.get('If-None-Match') as string, document.etag)) {
    ctx.status = 304;
    return;
  }
  ctx.status = 200;
  ctx.type = type;
  ctx.body = document.body;
}

const notConfigured = () => new errors.NotFoundError('This server issues no signed credentials');

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** GET /certificates/verify/:code/credential (public): the signed Open Badges credential itself. */
  async credential(ctx: any) {
    if (!isSigningConfigured()) throw notConfigured();
    const service = credentials(strapi);
    let found = await service.credentialByCode(ctx.params.code);
    if (found && 'missing' in found) {
      // A certificate from before credentials (or before a key was set): signed by a job now, then served.
      await (await enqueue(strapi, signCredential, { certificateId: found.missing })).deliver();
      found = await service.credentialByCode(ctx.params.code);
    }
    if (!found || 'missing' in found) throw new errors.NotFoundError('No credential has this code');
    // Never changes once signed (a revocation shows in the status list, not here).
    answerDocument(ctx, found, 'public, max-age=3600');
  },

  /** GET /credentials/status/:listId (public): the signed BitstringStatusListCredential, bare. */
  async statusList(ctx: any) {
    const listId = positiveIntegerParam(ctx.params.listId, 'listId');
    if (!isSigningConfigured()) throw notConfigured();
    const document = listId <= 2_147_483_647 ? await credentials(strapi).statusList(listId) : null;
    if (!document) throw new errors.NotFoundError('No status list has this id');
    // Revalidated at every use: a revocation must show within seconds, and an unchanged list answers 304.
    answerDocument(ctx, document, 'public, no-cache');
  },
});

import type { Core } from '@strapi/strapi';
import { callerFrom } from '../../../access/roles';
import { handleResumable } from '../../../uploads/resumable';

/** Each action hands the request to the tus server once the caller, the upload's owner and the size are checked. */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const tus = (ctx: any) => handleResumable(strapi, ctx, callerFrom(ctx.state));
  return {
    /** POST /uploads/resumable (Upload-Length, Upload-Metadata: filename, filetype) → 201 Location */
    create: tus,
    /** HEAD /uploads/resumable/:uploadId → Upload-Offset (a GET is answered 404 by the tus server) */
    offset: tus,
    /** PATCH /uploads/resumable/:uploadId (Upload-Offset, application/offset+octet-stream) → 204, or 200 with the file */
    append: tus,
    /** DELETE /uploads/resumable/:uploadId → 204 */
    cancel: tus,
  };
};

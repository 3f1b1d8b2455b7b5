import { errors } from '@strapi/utils';

/**
 * Refuses a NUL byte (`%00`) in the path or the query string with 400. PostgreSQL text cannot hold one: an id or a
 * filter carrying it fails in the driver ("invalid byte sequence for encoding UTF8: 0x00") and would be a 500
 * (contract, "Bad input"). SQLite would store it, so the answer is the same on both databases. Found by the fuzz
 * suite (`GET /api/articles/%00`).
 */
// eslint-disable-next-line no-control-regex -- the NUL byte is what this middleware looks for
const NUL = /%00|\u0000/i;

export default () => async (ctx: any, next: () => Promise<unknown>) => {
  const inPath = NUL.test(String(ctx.path ?? ''));
  if (inPath || NUL.test(String(ctx.querystring ?? ''))) {
    const where = inPath ? 'path' : 'query';
    throw new errors.ValidationError(`The ${where} contains a NUL byte`, {
      errors: [{ path: [where], message: `A NUL byte (%00) is not allowed in the ${where}`, name: 'ValidationError' }],
    });
  }
  return next();
};

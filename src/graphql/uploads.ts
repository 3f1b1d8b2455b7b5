import type { Core } from '@strapi/strapi';
import { positiveIntegerParam } from '../access/params';
import { assertMayChangeFile } from '../uploads/upload-guard';

type Resolve = (parent: unknown, args: Record<string, unknown>, context: any, info: unknown) => unknown;

/**
 * The upload plugin's own GraphQL mutations (`updateUploadFile`, `deleteUploadFile`) call its service
 * directly, past the REST controller where src/extensions/upload checks ownership. The same rule runs here,
 * before the stock resolver reads or returns anything: a stranger learns neither the file's name nor its URL.
 */
export const uploadOwnership = ({ strapi }: { strapi: Core.Strapi }) => {
  const fileOwnerOnly = async (
    resolve: Resolve,
    parent: unknown,
    args: Record<string, unknown>,
    context: any,
    info: unknown
  ) => {
    // A malformed id is the caller's mistake (400), not a database error on PostgreSQL's integer column.
    const id = positiveIntegerParam(args.id, 'id');
    await assertMayChangeFile(strapi, context, id);
    return resolve(parent, { ...args, id }, context, info);
  };
  return {
    resolversConfig: {
      'Mutation.updateUploadFile': { middlewares: [fileOwnerOnly] },
      'Mutation.deleteUploadFile': { middlewares: [fileOwnerOnly] },
    },
  };
};

import type { Core } from '@strapi/strapi';

/**
 * Calls `forget` after every database write to the given content types in this instance: creates, updates and
 * deletes, one row or many. Publishing, the admin panel and the document service all write through here.
 */
export function forgetOnWrites(strapi: Core.Strapi, models: string[], forget: () => void): void {
  strapi.db.lifecycles.subscribe({
    models,
    afterCreate: forget,
    afterCreateMany: forget,
    afterUpdate: forget,
    afterUpdateMany: forget,
    afterDelete: forget,
    afterDeleteMany: forget,
  });
}

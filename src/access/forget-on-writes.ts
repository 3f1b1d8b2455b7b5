import type { Core } from '@strapi/strapi';

/** The models of each subscription made in this process: one module, so one list (the one-core test reads it). */
const subscriptions: string[] = [];
export const writeSubscriptions = (): readonly string[] => subscriptions;

/**
 * Calls `forget` after every database write to the given content types in this instance: creates, updates and
 * deletes, one row or many. Publishing, the admin panel and the document service all write through here.
 */
export function forgetOnWrites(strapi: Core.Strapi, models: string[], forget: () => void): void {
  subscriptions.push(models.join(','));
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

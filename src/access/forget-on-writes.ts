import type { Core } from '@strapi/strapi';

/** The models of each subscription made in this process: one module, so one list (the one-core test reads it). */
const subscriptions: string[] = [];
export const writeSubscriptions = (): readonly string[] => subscriptions;

/** The drops to repeat when each open transaction commits. */
const afterCommit = new WeakMap<object, Set<() => void>>();

/**
 * Runs `forget` again when the surrounding transaction commits (nothing outside one). A drop made at the write
 * alone leaves a window: a read in this or another instance (the bus delivers within milliseconds) before the
 * commit sees the old rows and would remember them for a cache's whole lifetime.
 */
export async function forgetAgainAfterCommit(strapi: Core.Strapi, forget: () => void): Promise<void> {
  if (!strapi.db.inTransaction()) return;
  // A nested transaction call joins the current one; its onCommit runs when the outer one commits.
  await strapi.db.transaction(async ({ trx, onCommit }) => {
    let forgets = afterCommit.get(trx);
    if (!forgets) {
      const all = new Set<() => void>();
      forgets = all;
      afterCommit.set(trx, all);
      onCommit(() => {
        for (const one of all) one();
      });
    }
    forgets.add(forget);
  });
}

/**
 * Calls `forget` after every database write to the given content types in this instance, and again when its
 * transaction commits: creates, updates and deletes, one row or many. Publishing, the admin panel and the document
 * service all write through here. `forget` is a shared cache's drop (src/cache/bus.ts), so other instances drop too.
 */
export function forgetOnWrites(strapi: Core.Strapi, models: string[], forget: () => void): void {
  subscriptions.push(models.join(','));
  const onWrite = async () => {
    forget();
    await forgetAgainAfterCommit(strapi, forget);
  };
  strapi.db.lifecycles.subscribe({
    models,
    afterCreate: onWrite,
    afterCreateMany: onWrite,
    afterUpdate: onWrite,
    afterUpdateMany: onWrite,
    afterDelete: onWrite,
    afterDeleteMany: onWrite,
  });
}

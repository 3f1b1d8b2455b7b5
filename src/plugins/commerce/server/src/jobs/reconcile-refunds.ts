import { defineJob, type ScheduledRun } from '../../../../../jobs';

export const RECONCILE_REFUNDS = 'commerce.reconcile-refunds';

interface PendingRefunds {
  reconcilePending(now: Date, olderThanMinutes: number): Promise<number>;
}

/** How long a refund may stay `pending` before the reconcile asks its provider again: REFUNDS_PENDING_MINUTES (10). */
export function pendingRefundMinutes(env: Record<string, string | undefined> = process.env): number {
  const value = Number(env.REFUNDS_PENDING_MINUTES ?? '');
  return env.REFUNDS_PENDING_MINUTES && Number.isFinite(value) && value >= 0 ? value : 10;
}

/**
 * Refund rows left `pending` (the process died between reserving the amount and the provider's answer) are asked
 * again with their own idempotency key, so the money reserved on the order is either refunded or given back, never
 * held forever. Idempotent: each row leaves `pending` once (a conditional update).
 */
export const reconcileRefunds = defineJob<ScheduledRun>(RECONCILE_REFUNDS, async (strapi) => {
  const settled = await (strapi.plugin('commerce').service('refunds') as PendingRefunds).reconcilePending(
    new Date(),
    pendingRefundMinutes()
  );
  if (settled > 0) strapi.log.info(`commerce: ${settled} pending refund(s) settled with their provider`);
});

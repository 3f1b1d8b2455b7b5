import { defineJob, type ScheduledRun } from '../../../../../jobs';

export const EXPIRE_ORDERS = 'commerce.expire-orders';

interface ExpiringOrders {
  expireDue(now: Date): Promise<number>;
}

/**
 * Pending orders past `expiresAt` are cancelled and their seats and coupon redemptions go back. Idempotent and
 * taking the time it runs at, so a late or repeated run does no harm (each order gives up once: a conditional
 * update on its status).
 */
export const expireOrders = defineJob<ScheduledRun>(EXPIRE_ORDERS, async (strapi) => {
  const expired = await (strapi.plugin('commerce').service('orders') as ExpiringOrders).expireDue(new Date());
  if (expired > 0) strapi.log.info(`commerce: ${expired} unpaid order(s) expired; their seats are free again`);
});

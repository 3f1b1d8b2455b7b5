import type { Core } from '@strapi/strapi';

/**
 * Whether a student paid for a course: the enrollment rule `payment_required` asks it. Commerce answers (it
 * registers its answer at start-up through the enrollment facade), so enrollment never imports commerce. Without a
 * provider (commerce disabled) no order exists and paid courses refuse self-enrollment; staff can still place
 * students.
 */
export interface PaidOrders {
  hasPaidOrder(userId: number, courseDocumentId: string): Promise<boolean>;
}

const provided = new WeakMap<Core.Strapi, PaidOrders>();
const NO_ORDERS: PaidOrders = { hasPaidOrder: () => Promise.resolve(false) };

export function providePaidOrders(strapi: Core.Strapi, paidOrders: PaidOrders): void {
  provided.set(strapi, paidOrders);
}

export const paidOrders = (strapi: Core.Strapi): PaidOrders => provided.get(strapi) ?? NO_ORDERS;

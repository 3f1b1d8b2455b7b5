import type { Core } from '@strapi/strapi';
import { FINANCE_PAGE_ACTIONS } from '../../../../access/admin-route';
import { cadenceFrom, defineSchedule } from '../../../../jobs';
import { providePaidOrders } from '../../../enrollment/server/src/facade';
import orderSchema from './content-types/order/schema.json';
import orderItemSchema from './content-types/order-item/schema.json';
import orderRefundSchema from './content-types/order-refund/schema.json';
import paymentEventSchema from './content-types/payment-event/schema.json';
import adminOrdersController from './controllers/admin-orders';
import ordersController from './controllers/orders';
import paymentsController from './controllers/payments';
import reportsController from './controllers/reports';
import { guardCouponWrites } from './coupon-writes';
import { EXPIRE_ORDERS, expireOrders } from './jobs/expire-orders';
import { RECONCILE_REFUNDS, reconcileRefunds } from './jobs/reconcile-refunds';
import routes from './routes';
import fulfilment from './services/fulfilment';
import latePayments from './services/late-payments';
import orderAdmin from './services/order-admin';
import orders from './services/orders';
import refunds from './services/refunds';
import salesReport from './services/sales-report';
import sandboxCheckout from './services/sandbox-checkout';
import webhooks from './services/webhooks';

export default {
  contentTypes: {
    order: { schema: orderSchema },
    'order-item': { schema: orderItemSchema },
    'payment-event': { schema: paymentEventSchema },
    'order-refund': { schema: orderRefundSchema },
  },
  services: {
    orders,
    fulfilment,
    webhooks,
    refunds,
    'sales-report': salesReport,
    'sandbox-checkout': sandboxCheckout,
    'late-payments': latePayments,
    'order-admin': orderAdmin,
  },
  controllers: {
    orders: ordersController,
    payments: paymentsController,
    reports: reportsController,
    'admin-orders': adminOrdersController,
  },
  routes,
  async register({ strapi }: { strapi: Core.Strapi }) {
    // The Orders page's action (Settings → Roles → Plugins): the Finance role holds it, Super Admins too.
    await strapi.service('admin::permission').actionProvider.registerMany([FINANCE_PAGE_ACTIONS.orders.registration]);
    const service = () => strapi.plugin('commerce').service('orders') as ReturnType<typeof orders>;
    // The enrollment rule `payment_required` asks commerce through enrollment's port: enrollment never imports commerce.
    providePaidOrders(strapi, {
      hasPaidOrder: (userId, courseDocumentId) => service().hasPaidOrder(userId, courseDocumentId),
    });
    guardCouponWrites(strapi);
  },
  bootstrap() {
    defineSchedule(
      EXPIRE_ORDERS,
      cadenceFrom('ORDERS_EXPIRY_CRON', process.env.ORDERS_EXPIRY_CRON, { every: 60_000 }),
      expireOrders
    );
    defineSchedule(
      RECONCILE_REFUNDS,
      cadenceFrom('REFUNDS_RECONCILE_CRON', process.env.REFUNDS_RECONCILE_CRON, { every: 5 * 60_000 }),
      reconcileRefunds
    );
  },
};

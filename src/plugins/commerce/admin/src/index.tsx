import { ShoppingCart } from '@strapi/icons';

/**
 * Commerce in the admin panel: the Orders page (find, open, refund) for admin users holding
 * `plugin::commerce.manage-orders` (the Finance role, Super Admins). Coupons are edited in the content manager.
 */
export default {
  register(app: any) {
    app.addMenuLink({
      to: 'plugins/commerce',
      icon: ShoppingCart,
      intlLabel: { id: 'commerce.page.title', defaultMessage: 'Orders' },
      Component: () => import('./pages/OrdersPage'),
      permissions: [{ action: 'plugin::commerce.manage-orders', subject: null }],
    });
    app.registerPlugin({ id: 'commerce', name: 'Commerce' });
  },
};

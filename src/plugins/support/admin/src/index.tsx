import { Message } from '@strapi/icons';

/**
 * The support desk in the admin panel: the Support page (the ticket inbox by status, assign to me, reply, close)
 * for admin users holding `plugin::support.manage-tickets` (the Support role, Super Admins).
 */
export default {
  register(app: any) {
    app.addMenuLink({
      to: 'plugins/support',
      icon: Message,
      intlLabel: { id: 'support.page.title', defaultMessage: 'Support' },
      Component: () => import('./pages/SupportPage'),
      permissions: [{ action: 'plugin::support.manage-tickets', subject: null }],
    });
    app.registerPlugin({ id: 'support', name: 'Support desk' });
  },
};

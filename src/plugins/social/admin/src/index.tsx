import { Shield } from '@strapi/icons';

/**
 * Social learning in the admin panel: the Moderation page (reported posts with their reports; hide and restore with
 * a reason) for admin users holding `plugin::social.moderate-posts` (the Moderator role, Super Admins).
 */
export default {
  register(app: any) {
    app.addMenuLink({
      to: 'plugins/social',
      icon: Shield,
      intlLabel: { id: 'social.page.title', defaultMessage: 'Moderation' },
      Component: () => import('./pages/ModerationPage'),
      permissions: [{ action: 'plugin::social.moderate-posts', subject: null }],
    });
    app.registerPlugin({ id: 'social', name: 'Social learning' });
  },
};

import { Archive } from '@strapi/icons';

/** The Audit page of the admin panel: the audit trail, listed and filtered, for Super Admins. */
export default {
  register(app: any) {
    app.addMenuLink({
      to: 'plugins/audit',
      icon: Archive,
      intlLabel: { id: 'audit.page.title', defaultMessage: 'Audit' },
      Component: () => import('./pages/AuditPage'),
      permissions: [{ action: 'plugin::audit.read-audit', subject: null }],
    });
    app.registerPlugin({ id: 'audit', name: 'Audit' });
  },
};

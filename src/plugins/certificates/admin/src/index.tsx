import { SealCheck } from '@strapi/icons';

/** The Certificates page of the admin panel's LMS pages: find, open and revoke certificates. */
export default {
  register(app: any) {
    app.addMenuLink({
      to: 'plugins/certificates',
      icon: SealCheck,
      intlLabel: { id: 'certificates.page.title', defaultMessage: 'Certificates' },
      Component: () => import('./pages/CertificatesPage'),
      permissions: [{ action: 'plugin::certificates.manage-certificates', subject: null }],
    });
    app.registerPlugin({ id: 'certificates', name: 'Certificates' });
  },
};

import { User } from '@strapi/icons';

/** The Enrollments page of the admin panel's LMS pages: a teacher's students, enrolled and removed by hand. */
export default {
  register(app: any) {
    app.addMenuLink({
      to: 'plugins/enrollment',
      icon: User,
      intlLabel: { id: 'enrollment.page.title', defaultMessage: 'Enrollments' },
      Component: () => import('./pages/EnrollmentsPage'),
      permissions: [{ action: 'plugin::enrollment.manage-enrollments', subject: null }],
    });
    app.registerPlugin({ id: 'enrollment', name: 'Enrollment' });
  },
};

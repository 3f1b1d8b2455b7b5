import { PresentationChart } from '@strapi/icons';

/** The Course insights page of the admin panel's LMS pages: how a course's students are doing, in numbers. */
export default {
  register(app: any) {
    app.addMenuLink({
      to: 'plugins/progress',
      icon: PresentationChart,
      intlLabel: { id: 'progress.page.title', defaultMessage: 'Course insights' },
      Component: () => import('./pages/InsightsPage'),
      permissions: [{ action: 'plugin::progress.read-insights', subject: null }],
    });
    app.registerPlugin({ id: 'progress', name: 'Progress' });
  },
};

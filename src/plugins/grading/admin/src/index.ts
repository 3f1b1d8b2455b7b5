import { SealCheck } from '@strapi/icons';
import type { StrapiApp } from '@strapi/admin/strapi-admin';
import { QuizPreviewPanel } from './components/QuizPreviewPanel';
import { GRADE_PERMISSIONS, PLUGIN_ID } from './pluginId';

/**
 * The grading plugin in the admin panel: a "Grading queue" menu entry for those with the
 * `plugin::grading.queue.grade` action (Super Admin, Teacher), and a "Quiz preview" panel on the edit view of
 * quizzes in the content manager.
 */
export default {
  register(app: StrapiApp) {
    app.addMenuLink({
      to: `plugins/${PLUGIN_ID}`,
      icon: SealCheck,
      intlLabel: { id: `${PLUGIN_ID}.menu.queue`, defaultMessage: 'Grading queue' },
      permissions: GRADE_PERMISSIONS,
      Component: () => import('./pages/App').then((module) => ({ default: module.App })),
    });
    app.registerPlugin({ id: PLUGIN_ID, name: 'Grading' });
  },

  bootstrap(app: StrapiApp) {
    const contentManager = app.getPlugin('content-manager');
    const apis = contentManager?.apis as
      { addEditViewSidePanel?: (panels: unknown[] | ((panels: unknown[]) => unknown[])) => void } | undefined;
    apis?.addEditViewSidePanel?.((panels) => [...panels, QuizPreviewPanel]);
  },

  async registerTrads({ locales }: { locales: string[] }) {
    // Texts are English defaults (defaultMessage); no translation files yet.
    return locales.map((locale) => ({ data: {}, locale }));
  },
};

import type { StrapiApp } from '@strapi/admin/strapi-admin';
import { LessonVideoPanel } from './components/LessonVideoPanel';

/**
 * Video in the admin panel: a "Lesson video" panel on the edit view of lessons in the content manager (conversion
 * status, duration, poster, and a retry for a failed conversion), for admin users holding
 * `plugin::media.lesson-video` (the Teacher role, Super Admins).
 */
export default {
  register(app: StrapiApp) {
    app.registerPlugin({ id: 'media', name: 'Video' });
  },

  bootstrap(app: StrapiApp) {
    const contentManager = app.getPlugin('content-manager');
    const apis = contentManager?.apis as
      { addEditViewSidePanel?: (panels: unknown[] | ((panels: unknown[]) => unknown[])) => void } | undefined;
    apis?.addEditViewSidePanel?.((panels) => [...panels, LessonVideoPanel]);
  },

  async registerTrads({ locales }: { locales: string[] }) {
    // Texts are English defaults; no translation files yet.
    return locales.map((locale) => ({ data: {}, locale }));
  },
};

import tutorLanguageSchema from './content-types/tutor-language/schema.json';
import tutorProfileSchema from './content-types/tutor-profile/schema.json';
import tutorReviewSchema from './content-types/tutor-review/schema.json';
import tutorSubjectSchema from './content-types/tutor-subject/schema.json';
import routes from './routes';
import { registerTaskContacts, taskContentTypes, taskControllers, taskServices } from './tasks';
import type { Core } from '@strapi/strapi';

/**
 * Tutor marketplace (contract "Tutor marketplace"): tutor profiles and reviews; task requests, offers and matching.
 * Each feature adds its content types, services and controllers to the objects below and its routes to
 * routes/index.ts.
 */
export default {
  contentTypes: {
    'tutor-profile': { schema: tutorProfileSchema },
    'tutor-subject': { schema: tutorSubjectSchema },
    'tutor-language': { schema: tutorLanguageSchema },
    'tutor-review': { schema: tutorReviewSchema },
    ...taskContentTypes,
  },
  services: { ...taskServices },
  controllers: { ...taskControllers },
  routes,

  register({ strapi }: { strapi: Core.Strapi }) {
    registerTaskContacts(strapi);
  },
};

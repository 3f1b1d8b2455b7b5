import tutorLanguageSchema from './content-types/tutor-language/schema.json';
import tutorProfileSchema from './content-types/tutor-profile/schema.json';
import tutorReviewSchema from './content-types/tutor-review/schema.json';
import tutorSubjectSchema from './content-types/tutor-subject/schema.json';
import tutorProfilesController from './controllers/tutor-profiles';
import tutorReviewsController from './controllers/tutor-reviews';
import routes from './routes';
import type { Core } from '@strapi/strapi';
import { registerTaskContacts, taskContentTypes, taskControllers, taskServices } from './tasks';
import { tutorSearch } from './search/tutor-search';
import tutorProfiles from './services/tutor-profiles';
import tutorReviews from './services/tutor-reviews';
import { followTutorActivity } from './tutor-activity';
import { defineSearchType } from '../../../search/server/src/facade';

// Tutors are found by search (`type=tutor`, and the `q` of GET /tutors).
defineSearchType(tutorSearch);

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
  services: {
    'tutor-profiles': tutorProfiles,
    'tutor-reviews': tutorReviews,
    ...taskServices,
  },
  controllers: {
    'tutor-profiles': tutorProfilesController,
    'tutor-reviews': tutorReviewsController,
    ...taskControllers,
  },
  routes,

  register({ strapi }: { strapi: Core.Strapi }) {
    registerTaskContacts(strapi);
  },

  bootstrap({ strapi }: { strapi: Core.Strapi }) {
    followTutorActivity(strapi);
  },
};

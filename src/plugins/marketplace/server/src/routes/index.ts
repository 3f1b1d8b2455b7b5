import { taskRoutes } from '../tasks/routes';
import { tutorRoutes } from './tutors';

/**
 * Served at the contract's paths ("Tutor marketplace") rather than under /api/marketplace. One array per feature
 * file (tutors.ts: profiles and reviews; tasks add theirs beside it).
 */
export default {
  'content-api': {
    type: 'content-api',
    routes: [...tutorRoutes, ...taskRoutes],
  },
};

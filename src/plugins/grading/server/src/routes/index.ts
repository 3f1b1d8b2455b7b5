import { adminRoutes } from './admin-routes';
import { assignmentRoutes } from './assignment-routes';
import { quizRoutes } from './quiz-routes';

export default {
  'content-api': {
    type: 'content-api',
    routes: [...quizRoutes, ...assignmentRoutes],
  },
  admin: {
    type: 'admin',
    routes: adminRoutes,
  },
};

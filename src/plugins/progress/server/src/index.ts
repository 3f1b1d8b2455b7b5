import schema from './content-types/lesson-progress/schema.json';
import progressController from './controllers/progress';
import routes from './routes';
import progress from './services/progress';

export default {
  contentTypes: { 'lesson-progress': { schema } },
  services: { progress },
  controllers: { progress: progressController },
  routes,
};

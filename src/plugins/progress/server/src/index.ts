import schema from './content-types/lesson-progress/schema.json';
import lessonAccess from './services/lesson-access';

export default {
  contentTypes: { 'lesson-progress': { schema } },
  services: { 'lesson-access': lessonAccess },
};

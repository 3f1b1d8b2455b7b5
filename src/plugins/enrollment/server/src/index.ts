import schema from './content-types/enrollment/schema.json';
import enrollments from './services/enrollments';

export default {
  contentTypes: { enrollment: { schema } },
  services: { enrollments },
};

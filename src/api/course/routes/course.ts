import { factories } from '@strapi/strapi';

export default factories.createCoreRouter('api::course.course', {
  config: {
    update: { policies: ['global::can-manage-course'] },
    delete: { policies: ['global::can-manage-course'] },
  },
});

import { factories } from '@strapi/strapi';

const ownsCourse = [{ name: 'global::can-manage-course-content', config: { uid: 'api::lesson.lesson' } }];

export default factories.createCoreRouter('api::lesson.lesson', {
  config: {
    create: { policies: ownsCourse },
    update: { policies: ownsCourse },
    delete: { policies: ownsCourse },
  },
});

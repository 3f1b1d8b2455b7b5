import { factories } from '@strapi/strapi';

const ownsCourse = [{ name: 'global::can-manage-course-content', config: { uid: 'api::assignment.assignment' } }];

export default factories.createCoreRouter('api::assignment.assignment', {
  config: {
    create: { policies: ownsCourse },
    update: { policies: ownsCourse },
    delete: { policies: ownsCourse },
  },
});

import { factories } from '@strapi/strapi';

const ownsCourse = [{ name: 'global::can-manage-course-content', config: { uid: 'api::announcement.announcement' } }];

export default factories.createCoreRouter('api::announcement.announcement', {
  config: {
    create: { policies: ownsCourse },
    update: { policies: ownsCourse },
    delete: { policies: ownsCourse },
  },
});

import { factories } from '@strapi/strapi';

const ownsCourse = [{ name: 'global::can-manage-course-content', config: { uid: 'api::quiz.quiz' } }];

export default factories.createCoreRouter('api::quiz.quiz', {
  config: {
    create: { policies: ownsCourse },
    update: { policies: ownsCourse },
    delete: { policies: ownsCourse },
  },
});

import { factories } from '@strapi/strapi';

const ownsCourse = [{ name: 'global::can-manage-course-content', config: { uid: 'api::question-bank.question-bank' } }];

// Reads are filtered or refused by the controller: a bank is its course's owners' (and admins') only.
export default factories.createCoreRouter('api::question-bank.question-bank', {
  config: {
    create: { policies: ownsCourse },
    update: { policies: ownsCourse },
    delete: { policies: ownsCourse },
  },
});

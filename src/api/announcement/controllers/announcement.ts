import { factories } from '@strapi/strapi';
import { createWithServerFields } from '../../../access/create-with-server-fields';
import { callerFrom } from '../../../access/roles';

const ANNOUNCEMENT = 'api::announcement.announcement';

export default factories.createCoreController(ANNOUNCEMENT, ({ strapi }) => ({
  async create(ctx) {
    // The author is whoever posts; it is not the client's to choose.
    return createWithServerFields(strapi, this, ctx, ANNOUNCEMENT, { author: callerFrom(ctx.state).userId });
  },
}));

import { factories } from '@strapi/strapi';
import { readPublishedOnly } from '../../../access/publication';
import { callerFrom } from '../../../access/roles';

// Marketers draft articles in the admin panel; through the API only admins see drafts.
export default factories.createCoreController('api::article.article', () => ({
  async find(ctx) {
    if (callerFrom(ctx.state).role !== 'admin') readPublishedOnly(ctx);
    return super.find(ctx);
  },
  async findOne(ctx) {
    if (callerFrom(ctx.state).role !== 'admin') readPublishedOnly(ctx);
    return super.findOne(ctx);
  },
}));

import type { Core } from '@strapi/strapi';
import { AUDIT_PAGE_ACTION } from '../../../../access/admin-route';
import adminAuditController from './controllers/admin-audit';
import routes from './routes';

/**
 * The admin panel's Audit page. The trail itself is core (src/audit: every module records into it); this plugin only
 * shows it. Its action is not an LMS page action: the Teacher role does not get it, Super Admins hold it like every
 * action, and the route answers Super Admins only.
 */
export default {
  controllers: { 'admin-audit': adminAuditController },
  routes,
  async register({ strapi }: { strapi: Core.Strapi }) {
    await strapi.service('admin::permission').actionProvider.registerMany([AUDIT_PAGE_ACTION.registration]);
  },
};

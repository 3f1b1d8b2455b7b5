import type { Core } from '@strapi/strapi';
import { SUPPORT_PAGE_ACTION } from '../../../../access/admin-route';
import ticketSchema from './content-types/ticket/schema.json';
import ticketMessageSchema from './content-types/ticket-message/schema.json';
import adminTicketsController from './controllers/admin-tickets';
import ticketsController from './controllers/tickets';
import routes from './routes';
import tickets from './services/tickets';

/**
 * The support desk (contract "Tutor marketplace", Support): users' tickets with a message thread and the statuses
 * `open`, `pending` (waiting on the user) and `closed`; staff (API admins, the `support` role, and admin-panel users
 * holding `plugin::support.manage-tickets`) read every ticket, reply, take and close them. Users hear of staff
 * replies through the durable jobs (`notices.ts`).
 */
export default {
  contentTypes: {
    ticket: { schema: ticketSchema },
    'ticket-message': { schema: ticketMessageSchema },
  },
  services: { tickets },
  controllers: { tickets: ticketsController, 'admin-tickets': adminTicketsController },
  routes,
  async register({ strapi }: { strapi: Core.Strapi }) {
    await strapi.service('admin::permission').actionProvider.registerMany([SUPPORT_PAGE_ACTION.registration]);
  },
};

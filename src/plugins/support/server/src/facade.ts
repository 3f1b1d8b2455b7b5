import type { Core } from '@strapi/strapi';
import type ticketsService from './services/tickets';

/**
 * What the support plugin offers the app: the demo data writes its ticket through the same service as the REST
 * routes, and privacy collects and erases a user's tickets here.
 */
type TicketsService = ReturnType<typeof ticketsService>;

export type SupportTickets = Pick<TicketsService, 'create' | 'reply' | 'show'>;

export const supportTickets = (strapi: Core.Strapi): SupportTickets =>
  strapi.plugin('support').service('tickets') as TicketsService;

export type { SupportActor } from './services/tickets';
export { parseTicketInput, parseMessageBody } from './rules/ticket-rules';
export { collectSupportData, eraseSupportDataOf, type SupportPersonalData } from './personal-data';

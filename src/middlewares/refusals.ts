import type { Core } from '@strapi/strapi';
import { answerRefusals } from '../errors/rest';

/**
 * Refusals (src/errors) answered in Strapi's error shape with their own status, and an unreachable database as
 * 503: see src/errors/rest.ts. The driver's error is logged (a warning: the database is away, not a bug here).
 */
export default (_config: unknown, { strapi }: { strapi: Core.Strapi }) =>
  answerRefusals((error) => strapi.log.warn(`database unreachable: ${(error as Error)?.message ?? String(error)}`));

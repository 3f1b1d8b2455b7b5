import type { Core } from '@strapi/strapi';

// LOG_LEVEL=warn quiets the request log (one line per request, written synchronously); Strapi's default logs everything.
export default ({ env }: Core.Config.Shared.ConfigParams) => ({ level: env('LOG_LEVEL', 'silly') });

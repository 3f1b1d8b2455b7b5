import type { Core } from '@strapi/strapi';
import { jsonLines, logFormatOf } from '../src/operations/log-format';

// LOG_LEVEL=warn quiets the request log (one line per request, written synchronously); Strapi's default logs everything.
// LOG_FORMAT: json lines carrying the request id (the default in production) or Strapi's pretty lines.
export default ({ env }: Core.Config.Shared.ConfigParams) => ({
  level: env('LOG_LEVEL', 'silly'),
  ...(logFormatOf(process.env) === 'json' ? { format: jsonLines() } : {}),
});

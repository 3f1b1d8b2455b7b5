import type { Core } from '@strapi/strapi';
import { rememberApiTokenMisses } from './api-token-lookup';
import { forgetAuthenticatedUsersOnWrites, withRememberedAuthenticatedUser } from './authenticated-user';
import { rememberAdvancedSettings } from './advanced-settings-store';
import bodyMiddleware from './body-middleware';
import { rememberContentApiAbilities, withRememberedPermissions } from './content-api-permissions';
import { refuseRelationsWithoutReadAccess } from './content-manager-relations';
import { keepUncheckedFieldResolvers } from './graphql-field-resolvers';
import { withRememberedTokenUser } from './jwt-verify';
import { replaceContentApiStrategyAtRegister } from './content-api-strategy';
import { useOwnLookupOnApiRoutes } from './rest-cache-lookup';
import { rememberRouteMatches } from './route-match';
import securityMiddleware from './security-middleware';
import { isPatchOn } from './switches';

/**
 * Every place Lyceum replaces or wraps Strapi's internals, applied from here (one file per patch in this folder;
 * UPGRADE.md at the repository root lists what each mirrors and what to re-check when Strapi moves). Hand-written
 * SQL run as prepared statements (postgres-prepared-statements.ts) and the email provider's replacement
 * (email-provider.ts, which needs the mail job to route to) are applied where they are used: src/access/raw-sql.ts
 * and src/mail/mail-job.ts.
 */

/** In the app's register, in this order (before routes are mounted, after the plugins registered). */
export function applyRegisterPatches(strapi: Core.Strapi): void {
  refuseRelationsWithoutReadAccess(strapi);
  // Strapi requires `strapi::security` and `strapi::body` in the middleware list; their registry entries are
  // replaced, so the names and their configuration in config/middlewares.ts stay as they are.
  const middlewares = strapi.get('middlewares');
  if (isPatchOn('security-middleware')) middlewares.extend('strapi::security', () => securityMiddleware);
  middlewares.extend('strapi::body', () => bodyMiddleware);
  useOwnLookupOnApiRoutes(strapi);
  // Before the graphql plugin's bootstrap, which builds the schema with it.
  keepUncheckedFieldResolvers();
}

/** In the app's bootstrap, in this order (the services exist by then). */
export function applyBootstrapPatches(strapi: Core.Strapi): void {
  rememberContentApiAbilities(strapi);
  rememberApiTokenMisses(strapi);
  forgetAuthenticatedUsersOnWrites(strapi);
  rememberAdvancedSettings(strapi);
  rememberRouteMatches(strapi);
}

type ServiceFactory = (deps: any) => any;
type UsersPermissionsPlugin = {
  services: Record<string, ServiceFactory>;
  register: (deps: { strapi: Core.Strapi }) => unknown;
};

/**
 * The users-permissions services are wrapped where Strapi lets an app change a plugin's services: its extension
 * (src/extensions/users-permissions/strapi-server.ts), which runs before the app's register.
 */
export function patchUsersPermissionsServices(plugin: UsersPermissionsPlugin): void {
  const permissionFactory = plugin.services.permission;
  plugin.services.permission = (deps) => withRememberedPermissions(permissionFactory(deps));
  const userFactory = plugin.services.user;
  plugin.services.user = (deps) => withRememberedAuthenticatedUser(userFactory(deps));
  const jwtFactory = plugin.services.jwt;
  plugin.services.jwt = (deps: { strapi: Core.Strapi }) => withRememberedTokenUser(deps.strapi, jwtFactory(deps));
  const register = plugin.register;
  plugin.register = (deps) => replaceContentApiStrategyAtRegister(deps.strapi, () => register(deps));
}

import type { Core } from '@strapi/strapi';
import { forgetOnWrites } from '../access/forget-on-writes';
import { cachesAreCoherent, sharedCache } from '../cache/bus';
import { RememberedLoads } from '../cache/remembered-loads';
import { isPatchOn, withStock } from './switches';

/**
 * Patch: the users-permissions permission service's two per-request reads, and the Content API permission
 * engine's `generateAbility`, remembered.
 *
 * Stock: users-permissions' authenticate step (@strapi/plugin-users-permissions dist/server/strategies/
 * users-permissions.js, `verify`) reads the caller's role permissions from the database
 * (services/permission.js `findRolePermissions` / `findPublicPermissions`) and the core permission engine builds
 * a CASL ability from them (@strapi/permissions dist/engine/index.js `generateAbility`, reached through
 * `strapi.contentAPI.permissions.engine`) on every request, anonymous ones included.
 * Change: both only change when a role is edited, so they are kept: dropped at once on any write to roles or
 * permissions, in this instance and, through the cache bus (src/cache/bus.ts), on every other one; read every time
 * while the bus is not listening. An ability is found by its permissions' actions when every permission is the stock `{ action }`.
 * Applied twice: the service wrapper in the users-permissions extension (index.ts `patchUsersPermissionsServices`),
 * the engine at bootstrap.
 * Gain: not measured on its own yet (see UPGRADE.md).
 * Off (STRAPI_PATCHES_OFF=content-api-permissions): both reads and the ability are made on every request, as stock.
 * On upgrade: the shape `toContentAPIPermission` returns (`{ action }`), the arguments of `generateAbility`
 * (options other than none are passed through), and whether the strategy still calls these per request.
 */
const PERMISSION_CACHE_TTL_MS = 10_000;
const MAX_ABILITIES = 64;
// Roles, `public` included: a handful in practice; the bound only keeps a role-creating script from growing it.
const MAX_ROLES = 1_000;

const PERMISSION = 'plugin::users-permissions.permission';
const ROLE = 'plugin::users-permissions.role';

const permissionsByRole = new RememberedLoads<unknown[]>({ max: MAX_ROLES, ttl: PERMISSION_CACHE_TTL_MS });
const abilities = new RememberedLoads<unknown>({ max: MAX_ABILITIES, ttl: PERMISSION_CACHE_TTL_MS });

const cachedPermissions = sharedCache('content-api-permissions', {
  forget: (key) => permissionsByRole.forget(key),
  forgetAll: () => {
    permissionsByRole.forgetAll();
    abilities.forgetAll();
  },
});

/** Drops every remembered permission and ability here and on every other instance. */
export function forgetCachedPermissions() {
  cachedPermissions.forgetAll();
}

function remembered(key: string, load: () => Promise<unknown[]>): Promise<unknown[]> {
  if (!cachesAreCoherent()) return load();
  return permissionsByRole.get(key, load);
}

type PermissionService = {
  findRolePermissions(roleId: number): Promise<unknown[]>;
  findPublicPermissions(): Promise<unknown[]>;
  toContentAPIPermission(permission: { action: string }): { action: string };
  [name: string]: unknown;
};

/** Content-API permissions made from remembered rows: `{ action }` alone, so their actions are their identity. */
const contentApiPermissions = new WeakMap<object, { action: string }>();
const madeHere = new WeakSet<object>();

/**
 * The users-permissions permission service with its two per-request reads remembered, and the `{ action }`
 * made from each remembered row kept with it, so the ability below is found by the actions alone.
 */
export function withRememberedPermissions<Service extends PermissionService>(service: Service): Service {
  if (!isPatchOn('content-api-permissions')) return service;
  return {
    ...service,
    findRolePermissions: withStock(
      (roleId: number) => remembered(`role:${roleId}`, () => service.findRolePermissions(roleId)),
      (roleId: number) => service.findRolePermissions(roleId)
    ),
    findPublicPermissions: withStock(
      () => remembered('public', () => service.findPublicPermissions()),
      () => service.findPublicPermissions()
    ),
    toContentAPIPermission: (permission: { action: string }) => {
      let made = contentApiPermissions.get(permission);
      if (!made) {
        made = service.toContentAPIPermission(permission);
        // Only the stock shape can be told apart by its action.
        if (Object.keys(made).length === 1) madeHere.add(made);
        contentApiPermissions.set(permission, made);
      }
      return made;
    },
  };
}

/** What tells two permission lists apart: their actions when every one is `{ action }`, else everything. */
function abilityKey(permissions: unknown[]): string {
  if (
    permissions.every((permission) => typeof permission === 'object' && permission !== null && madeHere.has(permission))
  ) {
    return `actions:${permissions.map((permission) => (permission as { action: string }).action).join('\n')}`;
  }
  return `json:${JSON.stringify(permissions)}`;
}

/** Abilities built from the same permissions are the same: build each once (content API, no conditions). */
export function rememberContentApiAbilities(strapi: Core.Strapi) {
  const engine = strapi.contentAPI.permissions.engine as {
    generateAbility: (permissions: unknown[], options?: object) => Promise<unknown>;
  };
  const generate = engine.generateAbility.bind(engine);
  forgetOnWrites(strapi, [PERMISSION, ROLE], forgetCachedPermissions);
  if (!isPatchOn('content-api-permissions')) return;
  const remembered = (permissions: unknown[], options?: object) => {
    if (options && Object.keys(options).length > 0) return generate(permissions, options);
    return abilities.get(abilityKey(permissions), () => generate(permissions));
  };
  engine.generateAbility = withStock(remembered, generate);
}

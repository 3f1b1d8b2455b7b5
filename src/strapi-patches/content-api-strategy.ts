import type { Core } from '@strapi/strapi';
import { isDatabaseUnreachable } from '../errors/database-unavailable';
import { withStock } from './switches';

/**
 * Patch (a bug fix, no switch): the users-permissions Content API strategy lets an unreachable database through
 * as an error instead of answering "not signed in".
 *
 * Stock (@strapi/plugin-users-permissions dist/server/strategies/users-permissions.js, `authenticate`): the whole
 * check sits in one `try { … } catch { return { authenticated: false } }`. A forged token lands there, and so does
 * every failed read of the caller, their session, their role's permissions, the public permissions and the
 * advanced settings. While PostgreSQL restarts, any of those reads that is not served from a cache fails, and the
 * request was answered 401: a signed-in client would take that for a dead session and sign its user out. Here the
 * same steps run in the same order through the same services, and the catch keeps everything it caught before
 * except an unreachable database (src/errors/database-unavailable.ts), which goes on to the refusals middleware
 * and is answered 503 `database_unavailable` like any other request during the outage.
 * Applied by wrapping `strapi.get('auth').register` while users-permissions registers its strategy (the strategy
 * object is not exported), from the users-permissions extension (index.ts `patchUsersPermissionsServices`).
 * On upgrade: diff the stock `authenticate` against `authenticate` below (steps, their order, the answers for a
 * token without an id, a missing, unconfirmed or blocked user, and no public permissions); if stock stops
 * swallowing errors, delete this patch. Test: tests/integration/strapi-patches.test.ts compares both functions for
 * each kind of caller and for a failing read; tests/integration/faults.test.ts restarts PostgreSQL under signed-in
 * requests.
 */

type Ctx = { state: Record<string, unknown> };
type AuthResult = { authenticated?: boolean; credentials?: unknown; ability?: unknown; error?: string };
export type ContentApiStrategy = {
  name: string;
  authenticate: (ctx: Ctx) => Promise<AuthResult>;
  verify?: (auth: unknown, config: unknown) => unknown;
};
type Permission = { action: string };
type PermissionService = {
  findRolePermissions(roleId: unknown): Promise<Permission[]>;
  findPublicPermissions(): Promise<Permission[]>;
  toContentAPIPermission(permission: Permission): unknown;
};
type AuthenticatedUser = { confirmed?: boolean; blocked?: boolean; role: { id: unknown } };

export function authenticateWithoutSwallowingOutages(strapi: Core.Strapi) {
  const service = <Service>(name: string) => strapi.plugin('users-permissions').service(name) as Service;
  const abilityOf = (permissions: unknown[]) =>
    (
      strapi.contentAPI.permissions.engine as unknown as { generateAbility(p: unknown[]): Promise<unknown> }
    ).generateAbility(permissions);

  return async function authenticate(ctx: Ctx): Promise<AuthResult> {
    try {
      const token = await service<{ getToken(ctx: Ctx): Promise<{ id?: unknown; sessionId?: string } | null> }>(
        'jwt'
      ).getToken(ctx);
      const permissionService = service<PermissionService>('permission');
      if (token) {
        const { id, sessionId } = token;
        if (id === undefined) return { authenticated: false };
        const user = await service<{ fetchAuthenticatedUser(id: unknown): Promise<AuthenticatedUser | null> }>(
          'user'
        ).fetchAuthenticatedUser(id);
        if (!user) return { error: 'Invalid credentials' };
        const advanced = (await strapi
          .store({ type: 'plugin', name: 'users-permissions' })
          .get({ key: 'advanced' })) as { email_confirmation?: boolean } | null;
        if (advanced?.email_confirmation && !user.confirmed) return { error: 'Invalid credentials' };
        if (user.blocked) return { error: 'Invalid credentials' };
        const permissions = (await permissionService.findRolePermissions(user.role.id)).map((permission) =>
          permissionService.toContentAPIPermission(permission)
        );
        const ability = await abilityOf(permissions);
        ctx.state.user = user;
        if (sessionId) ctx.state.session = { id: sessionId };
        return { authenticated: true, credentials: user, ability };
      }
      const publicPermissions = (await permissionService.findPublicPermissions()).map((permission) =>
        permissionService.toContentAPIPermission(permission)
      );
      if (publicPermissions.length === 0) return { authenticated: false };
      return { authenticated: true, credentials: null, ability: await abilityOf(publicPermissions) };
    } catch (error) {
      if (isDatabaseUnreachable(error)) throw error;
      return { authenticated: false };
    }
  };
}

// Registered, not local: the tests load this module from src/ while Strapi runs it from dist/.
const REGISTERED = Symbol.for('lyceum.content-api-strategy');
type AuthService = {
  register: (type: string, strategy: ContentApiStrategy) => unknown;
  [REGISTERED]?: ContentApiStrategy;
};

/** The users-permissions strategy as registered (patched; its stock `authenticate` through `stockOf`), for tests. */
export function registeredContentApiStrategy(strapi: Core.Strapi): ContentApiStrategy | undefined {
  return (strapi.get('auth') as AuthService)[REGISTERED];
}

/** Runs users-permissions' register with its Content API strategy's `authenticate` replaced as it is registered. */
export function replaceContentApiStrategyAtRegister(strapi: Core.Strapi, registerPlugin: () => unknown): unknown {
  const auth = strapi.get('auth') as AuthService;
  const register = auth.register;
  auth.register = (type, strategy) => {
    if (type !== 'content-api' || strategy?.name !== 'users-permissions') return register.call(auth, type, strategy);
    const authenticate = withStock(authenticateWithoutSwallowingOutages(strapi), strategy.authenticate);
    const patched = { ...strategy, authenticate };
    Object.defineProperty(auth, REGISTERED, { value: patched, configurable: true });
    return register.call(auth, type, patched);
  };
  try {
    return registerPlugin();
  } finally {
    auth.register = register;
  }
}

import type { Core } from '@strapi/strapi';
import { forgetOnWrites } from '../access/forget-on-writes';
import { cachesAreCoherent, sharedCache } from '../cache/bus';
import { RememberedLoads } from '../cache/remembered-loads';
import { isPatchOn, withStock } from './switches';

/**
 * Patch: the users-permissions user service's `fetchAuthenticatedUser`, remembered.
 *
 * Stock: the users-permissions strategy (@strapi/plugin-users-permissions dist/server/strategies/
 * users-permissions.js, `authenticate`) reads the caller and their role on every authenticated request
 * (services/user.js `fetchAuthenticatedUser`: three queries), though both change rarely.
 * Change: the row is kept briefly: dropped at once on any write to users or roles, in this instance and, through the
 * cache bus (src/cache/bus.ts), on every other one, so a user blocked or given another role anywhere is refused or
 * served by the new role on their next request; while the bus is not listening the row is read every time. Since
 * those drops are what keep the row true, it is kept for minutes: the bound only covers writes made outside Strapi
 * (SQL by hand), and a signed-in student costs two reads (the row, its role) every five minutes, not every 30 s.
 * Each caller gets a copy of the row and its role, since it becomes ctx.state.user.
 * Applied in the users-permissions extension (index.ts `patchUsersPermissionsServices`); jwt-verify.ts reads
 * the same remembered row.
 * Gain: not measured on its own yet (see UPGRADE.md).
 * Off (STRAPI_PATCHES_OFF=authenticated-user): the row is read on every request, as stock.
 * On upgrade: what `fetchAuthenticatedUser` populates (the role) and what the strategy does with it.
 */
const AUTHENTICATED_USER_TTL_MS = 5 * 60_000;
const MAX_USERS = 10_000;

const USER = 'plugin::users-permissions.user';
const ROLE = 'plugin::users-permissions.role';

// Least recently used first out: a full cache must not forget the users signed in right now.
const users = new RememberedLoads<unknown>({ max: MAX_USERS, ttl: AUTHENTICATED_USER_TTL_MS });

const authenticatedUsers = sharedCache('authenticated-users', {
  forget: (id) => users.forget(id),
  forgetAll: () => users.forgetAll(),
});

/** Drops every remembered user here and on every other instance. */
export function forgetAuthenticatedUsers() {
  authenticatedUsers.forgetAll();
}

/** The caller's user row with its role, shared: from this cache, or read once by `load` for all who ask meanwhile. */
export function sharedUser(id: unknown, load: (id: unknown) => Promise<unknown>): Promise<unknown> {
  if (!isPatchOn('authenticated-user') || !cachesAreCoherent()) return load(id);
  // An empty read is not kept either: the next request asks the database again.
  return users.get(String(id), () => load(id), { keep: (user) => !!user });
}

/** The stock read of users-permissions, kept by the user-service wrapper for the token check below. */
export let readAuthenticatedUser: ((id: unknown) => Promise<unknown>) | null = null;

type UserService = { fetchAuthenticatedUser(id: unknown): Promise<unknown>; [name: string]: unknown };

/** The users-permissions user service with the per-request read of the caller remembered. */
export function withRememberedAuthenticatedUser<Service extends UserService>(service: Service): Service {
  const read = (id: unknown) => service.fetchAuthenticatedUser(id);
  readAuthenticatedUser = read;
  if (!isPatchOn('authenticated-user')) return service;
  const fetchAuthenticatedUser = async (id: unknown) => {
    const user = await sharedUser(id, read);
    // This row becomes ctx.state.user: code that decorates it (or its role) must not reach another request.
    // A copy of the row and its role, not structuredClone: that deep copy cost more than the rest of the read.
    if (!user) return user;
    const row = user as { role?: object | null };
    return { ...row, ...(row.role ? { role: { ...row.role } } : {}) };
  };
  return { ...service, fetchAuthenticatedUser: withStock(fetchAuthenticatedUser, read) };
}

export function forgetAuthenticatedUsersOnWrites(strapi: Core.Strapi) {
  forgetOnWrites(strapi, [USER, ROLE], forgetAuthenticatedUsers);
}

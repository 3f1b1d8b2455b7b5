import type { Core } from '@strapi/strapi';
import { cachesAreCoherent, sharedCache } from '../cache/bus';
import { RememberedLoads } from '../cache/remembered-loads';
import { isPatchOn, withStock } from './switches';

/**
 * Patch: the core store (`strapi.store`) remembers the users-permissions "advanced" settings and the i18n default
 * locale.
 *
 * Stock: the users-permissions strategy (@strapi/plugin-users-permissions dist/server/strategies/
 * users-permissions.js, `getAdvancedSettings`) reads them (is email confirmation required?) from the
 * `strapi_core_store_settings` table on every authenticated request, and the document service reads the default
 * locale (@strapi/i18n dist/server/services/locales.js, `getDefaultLocale`) there on every read that names no locale
 * (twice for a REST list: rows and count), each through a scoped store or `strapi.store.get`, whose get/set/delete
 * are the core store's own (@strapi/core dist/services/core-store.js, `createCoreStore`).
 * Change: wrapping the core store's three functions keeps those two values for a few seconds (a copy to each caller)
 * and drops them on any write to either, in this instance and, through the cache bus (src/cache/bus.ts), on every
 * other one (read every time while the bus is not listening). Every other key goes to the stock functions untouched.
 * Gain: not measured on its own yet (see UPGRADE.md).
 * Off (STRAPI_PATCHES_OFF=advanced-settings-store): the store is left as it ships.
 * On upgrade: that scoped stores still call `strapi.store.get/set/delete` with `{ type, name, key }`, and the
 * keys read (`type: 'plugin', name: 'users-permissions', key: 'advanced'`; `type: 'plugin', name: 'i18n',
 * key: 'default_locale'`).
 */
const REMEMBERED_TTL_MS = 5_000;
const REMEMBERED_KEYS = new Set(['plugin:users-permissions:advanced', 'plugin:i18n:default_locale']);
const remembered = new RememberedLoads<unknown>({ max: REMEMBERED_KEYS.size, ttl: REMEMBERED_TTL_MS });
const rememberedSettings = sharedCache('users-permissions-advanced-settings', {
  forget: () => remembered.forgetAll(),
  forgetAll: () => remembered.forgetAll(),
});

type StoreParams = { type?: string; name?: string; key?: string; [other: string]: unknown };
/** The remembered key these parameters name, if they name one. */
const rememberedKey = (params: StoreParams): string | undefined => {
  const key = `${params?.type}:${params?.name}:${params?.key}`;
  return REMEMBERED_KEYS.has(key) ? key : undefined;
};

export function rememberAdvancedSettings(strapi: Core.Strapi) {
  const store = strapi.store as unknown as {
    get: (params: StoreParams) => Promise<unknown>;
    set: (params: StoreParams) => Promise<unknown>;
    delete: (params: StoreParams) => Promise<unknown>;
  };
  if (!isPatchOn('advanced-settings-store')) return;
  const { get, set, delete: remove } = store;
  const rememberedGet = (params: StoreParams) => {
    const key = rememberedKey(params);
    if (!key || !cachesAreCoherent()) return get(params);
    return remembered.get(key, () => get(params)).then((value) => structuredClone(value));
  };
  store.get = withStock(rememberedGet, get);
  // Dropped before the write and again once it is done: a read in between (here, or on another instance as soon as
  // the first message arrives) would otherwise remember the old value.
  const dropAround = async (params: StoreParams, write: (params: StoreParams) => Promise<unknown>) => {
    if (!rememberedKey(params)) return write(params);
    rememberedSettings.forgetAll();
    try {
      return await write(params);
    } finally {
      rememberedSettings.forgetAll();
    }
  };
  store.set = (params) => dropAround(params, set);
  store.delete = (params) => dropAround(params, remove);
}

import type { Core } from '@strapi/strapi';
import { cachesAreCoherent, sharedCache } from '../cache/bus';
import { isPatchOn, withStock } from './switches';

/**
 * Patch: the core store (`strapi.store`) remembers the users-permissions "advanced" settings.
 *
 * Stock: the users-permissions strategy (@strapi/plugin-users-permissions dist/server/strategies/
 * users-permissions.js, `getAdvancedSettings`) reads them (is email confirmation required?) from the
 * `strapi_core_store_settings` table on every authenticated request, through a scoped store whose get/set/delete
 * call the core store's own (@strapi/core dist/services/core-store.js, `createCoreStore`).
 * Change: wrapping the core store's three functions keeps that one value for a few seconds (a copy to each caller)
 * and drops it on any write to it, in this instance and, through the cache bus (src/cache/bus.ts), on every other
 * one (read every time while the bus is not listening). Every other key goes to the stock functions untouched.
 * Gain: not measured on its own yet (see UPGRADE.md).
 * Off (STRAPI_PATCHES_OFF=advanced-settings-store): the store is left as it ships.
 * On upgrade: that scoped stores still call `strapi.store.get/set/delete` with `{ type, name, key }`, and the
 * key the strategy reads (`type: 'plugin', name: 'users-permissions', key: 'advanced'`).
 */
const ADVANCED_SETTINGS_TTL_MS = 5_000;
let advancedSettings: { value: Promise<unknown>; expiresAt: number } | null = null;
const rememberedSettings = sharedCache('users-permissions-advanced-settings', {
  forget: () => (advancedSettings = null),
  forgetAll: () => (advancedSettings = null),
});

type StoreParams = { type?: string; name?: string; key?: string; [other: string]: unknown };
const isAdvancedSettings = (params: StoreParams) =>
  params?.type === 'plugin' && params?.name === 'users-permissions' && params?.key === 'advanced';

export function rememberAdvancedSettings(strapi: Core.Strapi) {
  const store = strapi.store as unknown as {
    get: (params: StoreParams) => Promise<unknown>;
    set: (params: StoreParams) => Promise<unknown>;
    delete: (params: StoreParams) => Promise<unknown>;
  };
  if (!isPatchOn('advanced-settings-store')) return;
  const { get, set, delete: remove } = store;
  const remembered = (params: StoreParams) => {
    if (!isAdvancedSettings(params) || !cachesAreCoherent()) return get(params);
    const now = Date.now();
    if (!advancedSettings || advancedSettings.expiresAt <= now) {
      const value = get(params);
      advancedSettings = { value, expiresAt: now + ADVANCED_SETTINGS_TTL_MS };
      value.catch(() => (advancedSettings = null));
    }
    return advancedSettings.value.then((value) => structuredClone(value));
  };
  store.get = withStock(remembered, get);
  // Dropped before the write and again once it is done: a read in between (here, or on another instance as soon as
  // the first message arrives) would otherwise remember the old value.
  const dropAround = async (params: StoreParams, write: (params: StoreParams) => Promise<unknown>) => {
    if (!isAdvancedSettings(params)) return write(params);
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

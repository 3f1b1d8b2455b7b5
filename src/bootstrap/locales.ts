import type { Core } from '@strapi/strapi';

import { LOCALE_NAMES, SUPPORTED_LOCALES } from '../content/locales';

export const LOCALES = SUPPORTED_LOCALES.map((code) => ({ code, name: LOCALE_NAMES[code] }));

/** Lyceum speaks English (the default) and Russian; the i18n plugin only ships English. */
export async function ensureLocales(strapi: Core.Strapi): Promise<void> {
  const localesService = strapi.plugin('i18n').service('locales');
  const existing: Array<{ code: string }> = await localesService.find();
  for (const locale of LOCALES) {
    if (!existing.some((row) => row.code === locale.code)) await localesService.create({ ...locale, isDefault: false });
  }
}

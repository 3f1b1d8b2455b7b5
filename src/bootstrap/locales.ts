import type { Core } from '@strapi/strapi';

export const LOCALES = [
  { code: 'en', name: 'English (en)' },
  { code: 'ru', name: 'Russian (ru)' },
] as const;

/** Lyceum speaks English (the default) and Russian; the i18n plugin only ships English. */
export async function ensureLocales(strapi: Core.Strapi): Promise<void> {
  const localesService = strapi.plugin('i18n').service('locales');
  const existing: Array<{ code: string }> = await localesService.find();
  for (const locale of LOCALES) {
    if (!existing.some((row) => row.code === locale.code)) await localesService.create({ ...locale, isDefault: false });
  }
}

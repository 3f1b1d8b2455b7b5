import { errors } from '@strapi/utils';

/**
 * The languages Lyceum speaks: English (the default) and Russian. Every place that lists or checks a locale reads
 * this list, so adding a language is one line here (plus its translations of the demo content).
 */
export const SUPPORTED_LOCALES = ['en', 'ru'] as const;
export type SupportedLocale = (typeof SUPPORTED_LOCALES)[number];

/** The locale shown when a request names none, and the one the i18n plugin ships with. */
export const DEFAULT_LOCALE: SupportedLocale = 'en';

/** Names for the i18n plugin's locale list (src/bootstrap/locales.ts). */
export const LOCALE_NAMES: Record<SupportedLocale, string> = { en: 'English (en)', ru: 'Russian (ru)' };

export const isSupportedLocale = (value: unknown): value is SupportedLocale =>
  typeof value === 'string' && (SUPPORTED_LOCALES as readonly string[]).includes(value);

/**
 * The shape of a locale code where any translation may be asked for (Strapi's `locale` query parameter,
 * BCP 47 as its i18n plugin accepts it: en, en-US, zh-Hans, or '*' for every locale). An unknown but well-formed
 * code finds nothing rather than failing.
 */
export const LOCALE_CODE = /^([A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}|\*)$/;

/**
 * The narrower shape the teacher pages have always accepted for `locale` (en, en-US): which translation of course
 * titles to show, falling back to the default when there is none.
 */
export const SHORT_LOCALE_CODE = /^[a-z]{2}(-[A-Za-z]{2,4})?$/;

/** The shape the admin quiz preview accepts (lower-case language, any number of subtags): en, en-US, sr-Latn-RS. */
export const PREVIEW_LOCALE_CODE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

/**
 * An optional `locale` parameter that must be one of SUPPORTED_LOCALES: undefined when absent, else the code;
 * a 400 naming `locale` otherwise. `message` keeps each route's wording.
 */
export function supportedLocaleParam(
  value: unknown,
  message = `locale must be ${SUPPORTED_LOCALES.join(' or ')}`
): SupportedLocale | undefined {
  if (value === undefined) return undefined;
  if (!isSupportedLocale(value)) {
    throw new errors.ValidationError(message, { errors: [{ path: ['locale'], message, name: 'ValidationError' }] });
  }
  return value;
}

import { errors } from '@strapi/utils';
import { LOCALES } from '../../src/bootstrap/locales';
import {
  DEFAULT_LOCALE,
  isSupportedLocale,
  LOCALE_CODE,
  PREVIEW_LOCALE_CODE,
  SHORT_LOCALE_CODE,
  SUPPORTED_LOCALES,
  supportedLocaleParam,
} from '../../src/content/locales';

describe('supported locales', () => {
  it('are English (the default) and Russian, and the i18n bootstrap lists exactly them', () => {
    expect(SUPPORTED_LOCALES).toEqual(['en', 'ru']);
    expect(DEFAULT_LOCALE).toBe('en');
    expect(LOCALES).toEqual([
      { code: 'en', name: 'English (en)' },
      { code: 'ru', name: 'Russian (ru)' },
    ]);
  });

  it('isSupportedLocale accepts only the listed codes', () => {
    expect(isSupportedLocale('en')).toBe(true);
    expect(isSupportedLocale('ru')).toBe(true);
    for (const value of ['', 'EN', 'en-US', 'fr', '*', ['en'], 1, null, undefined])
      expect(isSupportedLocale(value)).toBe(false);
  });

  it('supportedLocaleParam passes absence through and refuses anything else with 400 naming locale', () => {
    expect(supportedLocaleParam(undefined)).toBeUndefined();
    expect(supportedLocaleParam('ru')).toBe('ru');
    for (const value of ['', 'fr', ['en', 'ru'], { en: 1 }]) {
      expect(() => supportedLocaleParam(value)).toThrow(errors.ValidationError);
    }
    try {
      supportedLocaleParam('fr');
    } catch (error) {
      expect((error as errors.ValidationError).message).toBe('locale must be en or ru');
      expect((error as errors.ValidationError).details).toEqual({
        errors: [{ path: ['locale'], message: 'locale must be en or ru', name: 'ValidationError' }],
      });
    }
    expect(() => supportedLocaleParam('fr', 'locale must be one of en, ru')).toThrow('locale must be one of en, ru');
  });

  it('the two shapes for any translation keep their old reach', () => {
    for (const code of ['en', 'en-US', 'zh-Hans', '*']) expect(LOCALE_CODE.test(code)).toBe(true);
    for (const code of ['', 'e', 'en_US', 'en-', "en'"]) expect(LOCALE_CODE.test(code)).toBe(false);
    for (const code of ['en', 'en-US', 'pt-BR']) expect(SHORT_LOCALE_CODE.test(code)).toBe(true);
    for (const code of ['EN', '*', 'zh-Hans-CN', 'eng']) expect(SHORT_LOCALE_CODE.test(code)).toBe(false);
    for (const code of ['en', 'eng', 'sr-Latn-RS']) expect(PREVIEW_LOCALE_CODE.test(code)).toBe(true);
    for (const code of ['EN', '*', 'e', 'en_US']) expect(PREVIEW_LOCALE_CODE.test(code)).toBe(false);
  });
});

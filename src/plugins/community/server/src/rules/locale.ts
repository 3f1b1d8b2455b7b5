import { SHORT_LOCALE_CODE } from '../../../../../content/locales';
import { fieldProblem, throwIfInvalid } from '../../../../../errors/refusal';

/** An optional `locale` query parameter: which translation of course titles to show. */
export function readLocale(query: Record<string, unknown>): string | undefined {
  const value = query.locale;
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !SHORT_LOCALE_CODE.test(value))
    throwIfInvalid([fieldProblem('locale', 'locale must be a locale code such as en or ru')]);
  return value as string;
}

/**
 * Currencies: which codes Lyceum accepts and how many decimals each has. One check for every place a currency comes
 * in (course prices and coupons in commerce, tutor rates and task budgets in the marketplace), so a code one
 * accepts the other cannot refuse.
 */

/**
 * ISO 4217 codes in circulation, as the runtime's ICU data knows them (USD, EUR, RUB…; not the funds, metals and
 * test codes such as XAU or XTS). Three letters alone would let "XYZ" through, and no payment provider takes it.
 */
const CURRENCIES: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));

/** An ISO 4217 code as Lyceum stores it (upper case), or null for anything that is not one in circulation. */
export function currencyCode(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const code = value.trim().toUpperCase();
  return /^[A-Z]{3}$/.test(code) && CURRENCIES.has(code) ? code : null;
}

/**
 * ISO 4217 minor-unit exponents that are not 2. Not ICU's display digits (`Intl.NumberFormat`'s
 * maximumFractionDigits): those round HUF, IDR or IQD to whole units for display, while amounts are kept and
 * charged in ISO's minor units.
 */
const EXPONENTS: Readonly<Record<string, number>> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
};

/** How many decimals the currency's major unit has (2 unless ISO 4217 says otherwise). */
export const currencyExponent = (currency: string): number => EXPONENTS[currency] ?? 2;

import { currencyCode, currencyExponent } from '../../../../../content/currencies';

/**
 * Money: integers of the currency's minor unit inside (cents, kopecks, yen), decimal strings of its major unit in
 * the API (`"1490.00"`, contract "Commerce"), so no sum is ever a floating-point approximation. Pure functions.
 */

// The currency check and the exponents are the core's (src/content/currencies.ts), shared with the marketplace.
export { currencyCode, currencyExponent };

/** The largest amount Lyceum handles in minor units: far above any price, far below 2^53. */
export const MAX_MINOR = 1e13;

/**
 * A major-unit amount (`"1490.00"`, `"1490"`, `1490.5`) in minor units, exactly; null when it is not a
 * non-negative amount with at most the currency's decimals. Numbers are read through their shortest decimal
 * form, so `49.99` is 4999, never 4998.999….
 */
export function toMinor(value: unknown, currency: string): number | null {
  const exponent = currencyExponent(currency);
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) return null;
    text = String(value);
    if (/e/i.test(text)) return null;
  } else if (typeof value === 'string') text = value.trim();
  else return null;
  const match = /^(\d{1,15})(?:\.(\d+))?$/.exec(text);
  if (!match) return null;
  const decimals = (match[2] ?? '').replace(/0+$/, '');
  if (decimals.length > exponent) return null;
  const minor = Number(match[1]) * 10 ** exponent + Number(decimals.padEnd(exponent, '0') || '0');
  return Number.isSafeInteger(minor) && minor <= MAX_MINOR ? minor : null;
}

/**
 * A stored price (a decimal column: a string on PostgreSQL, a float on SQLite) in minor units. Rounds to the
 * currency's minor unit: a column holds at most two decimals, so this only repairs float noise.
 */
export function priceToMinor(value: unknown, currency: string): number {
  const number = typeof value === 'string' ? Number(value) : typeof value === 'number' ? value : 0;
  if (!Number.isFinite(number) || number <= 0) return 0;
  return Math.round(number * 10 ** currencyExponent(currency));
}

/** Minor units as the API shows them: `149000` USD → `"1490.00"`, `1490` JPY → `"1490"`. */
export function toMajor(minor: number, currency: string): string {
  const exponent = currencyExponent(currency);
  const sign = minor < 0 ? '-' : '';
  const digits = String(Math.abs(Math.trunc(minor))).padStart(exponent + 1, '0');
  if (exponent === 0) return `${sign}${digits}`;
  return `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

/**
 * Minor units as a JSON number in major units (`149000` USD → `1490`, `1490` → `14.9`): how the API answers money,
 * like a course's `price`. Computed from the exact decimal text, so the number is the nearest double to it.
 */
export function toMajorNumber(minor: number, currency: string): number {
  return Number(toMajor(minor, currency));
}

/**
 * Splits `amount` over `weights` in proportion, in whole minor units that add up to `amount` exactly (largest
 * remainders first, ties to the earlier item): an order's discount over its items, a refund over its courses.
 */
export function allocate(amount: number, weights: readonly number[]): number[] {
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  if (total <= 0) return weights.map((_, index) => (index === 0 ? amount : 0));
  const exact = weights.map((weight) => (amount * weight) / total);
  const shares = exact.map(Math.floor);
  let left = amount - shares.reduce((sum, share) => sum + share, 0);
  const order = exact
    .map((value, index) => ({ index, remainder: value - Math.floor(value) }))
    .sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  for (const { index } of order) {
    if (left <= 0) break;
    shares[index] += 1;
    left -= 1;
  }
  return shares;
}

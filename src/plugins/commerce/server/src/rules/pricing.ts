import { fieldProblem, type FieldError } from '../../../../../errors/refusal';
import { allocate, currencyCode, toMinor } from './money';

/**
 * What an order costs: its lines at the courses' prices, a coupon's discount over the lines it applies to, the
 * total. Pure, in minor units; the server computes it, a client never sends a price.
 */

export interface OrderLine {
  courseDocumentId: string;
  title: string;
  /** Minor units of `currency`. */
  unitPrice: number;
  currency: string;
}

/** A coupon as the rules read it (stored values: `amountOff` in major units of `currency`). */
export interface CouponTerms {
  id: number;
  code: string;
  percentOff: number | null;
  amountOff: number | string | null;
  currency: string | null;
  validFrom: Date | null;
  validUntil: Date | null;
  maxRedemptions: number | null;
  redemptions: number;
  /** The courses it is limited to; empty: every course. */
  courseDocumentIds: string[];
}

export type CouponRefusal = 'coupon_invalid' | 'coupon_expired' | 'coupon_exhausted';

export interface PricedOrder {
  currency: string;
  subtotal: number;
  discount: number;
  total: number;
  /** Each line with its share of the discount (they add up to the order's discount). */
  lines: Array<OrderLine & { discount: number }>;
}

export type Pricing = { ok: true; order: PricedOrder } | { ok: false; reason: CouponRefusal; message: string };

/** One currency per order: the lines' currency, or null when they mix currencies. */
export function orderCurrency(lines: readonly OrderLine[]): string | null {
  const currencies = new Set(lines.map((line) => line.currency));
  return currencies.size === 1 ? [...currencies][0] : null;
}

export function priceOrder(lines: readonly OrderLine[], coupon: CouponTerms | null, now: Date): Pricing {
  const currency = orderCurrency(lines);
  if (currency === null) throw new Error('priceOrder: the lines mix currencies (checked by the caller)');
  const subtotal = lines.reduce((sum, line) => sum + line.unitPrice, 0);
  let discount = 0;
  let shares = lines.map(() => 0);
  if (coupon) {
    const decision = couponDiscount(coupon, lines, currency, now);
    if (!decision.ok) return decision;
    discount = decision.discount;
    shares = allocate(
      discount,
      lines.map((line) => (appliesTo(coupon, line) ? line.unitPrice : 0))
    );
  }
  return {
    ok: true,
    order: {
      currency,
      subtotal,
      discount,
      total: subtotal - discount,
      lines: lines.map((line, index) => ({ ...line, discount: shares[index] })),
    },
  };
}

const appliesTo = (coupon: CouponTerms, line: OrderLine) =>
  coupon.courseDocumentIds.length === 0 || coupon.courseDocumentIds.includes(line.courseDocumentId);

/**
 * Whether a coupon applies now and how much it takes off. `maxRedemptions` is checked here for a clear answer, and
 * settled exactly by the conditional update that counts the redemption (services/coupons.ts).
 */
export function couponDiscount(
  coupon: CouponTerms,
  lines: readonly OrderLine[],
  currency: string,
  now: Date
): { ok: true; discount: number } | { ok: false; reason: CouponRefusal; message: string } {
  if (coupon.validFrom && now < coupon.validFrom)
    return { ok: false, reason: 'coupon_invalid', message: 'This coupon is not valid yet' };
  if (coupon.validUntil && now > coupon.validUntil)
    return { ok: false, reason: 'coupon_expired', message: 'This coupon has expired' };
  if (coupon.maxRedemptions !== null && coupon.redemptions >= coupon.maxRedemptions)
    return { ok: false, reason: 'coupon_exhausted', message: 'This coupon has been used up' };
  const applicable = lines.filter((line) => appliesTo(coupon, line)).reduce((sum, line) => sum + line.unitPrice, 0);
  if (!lines.some((line) => appliesTo(coupon, line)))
    return { ok: false, reason: 'coupon_invalid', message: 'This coupon does not apply to these courses' };
  if (coupon.percentOff !== null) {
    // Half a minor unit rounds up: 15% of 9.99 is 1.50.
    return { ok: true, discount: Math.floor((applicable * coupon.percentOff + 50) / 100) };
  }
  const couponCurrency = currencyCode(coupon.currency);
  const amount = couponCurrency ? toMinor(coupon.amountOff, couponCurrency) : null;
  if (amount === null || couponCurrency !== currency)
    return { ok: false, reason: 'coupon_invalid', message: `This coupon does not apply to ${currency} orders` };
  return { ok: true, discount: Math.min(amount, applicable) };
}

const COUPON_CODE = /^[A-Za-z0-9][A-Za-z0-9_-]{1,63}$/;

/** A coupon code as stored and looked up: trimmed, upper case (codes are case-insensitive). */
export const normalCouponCode = (value: string) => value.trim().toUpperCase();

export const isCouponCode = (value: unknown): value is string =>
  typeof value === 'string' && COUPON_CODE.test(value.trim());

/**
 * The rules of a coupon's fields, on the values it will have after the write (`merged`): a code, exactly one of
 * `percentOff` (a whole percentage, 1–100) and `amountOff` (with its `currency`), a window that ends after it
 * starts, and a positive `maxRedemptions` when there is one.
 */
export function couponFieldProblems(merged: Record<string, unknown>): FieldError[] {
  const problems: FieldError[] = [];
  if (!isCouponCode(merged.code))
    problems.push(
      fieldProblem('code', 'code must be 2 to 64 letters, digits, "-" or "_", starting with a letter or digit')
    );
  const hasPercent = merged.percentOff !== null && merged.percentOff !== undefined;
  const hasAmount = merged.amountOff !== null && merged.amountOff !== undefined;
  if (hasPercent === hasAmount) {
    problems.push(
      fieldProblem(hasPercent ? 'amountOff' : 'percentOff', 'Give exactly one of percentOff and amountOff')
    );
  }
  if (hasPercent) {
    const percent = merged.percentOff;
    if (typeof percent !== 'number' || !Number.isInteger(percent) || percent < 1 || percent > 100)
      problems.push(fieldProblem('percentOff', 'percentOff must be a whole number from 1 to 100'));
    if (!hasAmount && merged.currency !== null && merged.currency !== undefined && merged.currency !== '')
      problems.push(fieldProblem('currency', 'currency goes with amountOff only'));
  }
  if (hasAmount) {
    const currency = currencyCode(merged.currency);
    if (!currency)
      problems.push(fieldProblem('currency', 'currency must be an ISO 4217 code (e.g. USD) with amountOff'));
    else {
      const amount = toMinor(merged.amountOff, currency);
      if (amount === null || amount <= 0)
        problems.push(fieldProblem('amountOff', `amountOff must be a positive amount in ${currency}`));
    }
  }
  const from = dateOrNull(merged.validFrom);
  const until = dateOrNull(merged.validUntil);
  if (from && until && from >= until) problems.push(fieldProblem('validUntil', 'validUntil must be after validFrom'));
  const max = merged.maxRedemptions;
  if (max !== null && max !== undefined && (typeof max !== 'number' || !Number.isInteger(max) || max < 1))
    problems.push(fieldProblem('maxRedemptions', 'maxRedemptions must be a positive whole number'));
  return problems;
}

function dateOrNull(value: unknown): Date | null {
  if (value === null || value === undefined || value === '') return null;
  const date = new Date(value as string);
  return Number.isNaN(date.getTime()) ? null : date;
}

import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { isUniqueViolation } from '../../../../errors/unique-violation';
import { couponFieldProblems, isCouponCode, normalCouponCode } from './rules/pricing';
import { currencyCode } from './rules/money';

const COUPON = 'api::coupon.coupon';

const invalid = (problems: Array<{ path: string[]; message: string; name: string }>) =>
  new errors.ValidationError(problems.map((problem) => problem.message).join('; '), { errors: problems });

/**
 * Every write of a coupon (core REST `/coupons`, the content manager, scripts) goes through here: the code is
 * stored upper case, so uniqueness (the schema's unique index on `code`) is case-insensitive; the field rules
 * (exactly one of percentOff and amountOff…, rules/pricing.ts) hold on the values after the write; `redemptions` is
 * counted by orders only (a write cannot set it); a code taken by a concurrent write is a 400, not a 500.
 */
export function guardCouponWrites(strapi: Core.Strapi): void {
  strapi.documents.use(async (context, next) => {
    if (context.uid !== COUPON || !['create', 'update'].includes(context.action)) return next();
    const params = context.params as { data?: Record<string, unknown>; documentId?: string };
    const data = params.data && typeof params.data === 'object' ? params.data : {};
    delete data.redemptions;
    if (context.action === 'create') data.redemptions = 0;
    if (typeof data.code === 'string' && isCouponCode(data.code)) data.code = normalCouponCode(data.code);
    if (typeof data.currency === 'string' && currencyCode(data.currency)) data.currency = currencyCode(data.currency);
    const stored =
      context.action === 'update' && params.documentId
        ? await strapi.db.query(COUPON).findOne({
            where: { documentId: params.documentId },
            select: ['code', 'percentOff', 'amountOff', 'currency', 'validFrom', 'validUntil', 'maxRedemptions'],
          })
        : null;
    const problems = couponFieldProblems({ ...(stored ?? {}), ...data }).map((problem) => ({
      ...problem,
      path: problem.path.map(String),
    }));
    if (problems.length) throw invalid(problems);
    params.data = data;
    try {
      return await next();
    } catch (error) {
      if (isUniqueViolation(error))
        throw invalid([{ path: ['code'], message: 'Another coupon has this code', name: 'ValidationError' }]);
      throw error;
    }
  });
}

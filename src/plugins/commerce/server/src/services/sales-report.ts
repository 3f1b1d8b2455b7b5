import type { Core } from '@strapi/strapi';
import { allocate, toMajorNumber } from '../rules/money';
import type { SalesQuery } from '../rules/order-request';
import { ORDER, orderFromRow, type OrderRecord } from './orders';

/** Orders that were paid, whatever was refunded since: the report counts them and subtracts their refunds. */
const SOLD_STATUSES = ['paid', 'partially_refunded', 'refunded'];

interface Figures {
  orders: number;
  gross: number;
  refunded: number;
}

const add = (figures: Figures | undefined, gross: number, refunded: number, orders: number): Figures => ({
  orders: (figures?.orders ?? 0) + orders,
  gross: (figures?.gross ?? 0) + gross,
  refunded: (figures?.refunded ?? 0) + refunded,
});

/**
 * Sales per day (UTC, by the day an order was paid) or per course, in each currency: `gross` is what buyers paid,
 * `refunded` what was given back since (whenever that was), `net` the difference. Zero-total orders count as
 * orders with zero money. Per course, an order's payment and refunds are split over its courses in proportion to
 * what each cost after the discount.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async sales(query: SalesQuery) {
    const rows = await strapi.db.query(ORDER).findMany({
      where: { status: { $in: SOLD_STATUSES }, paidAt: { $gte: query.from, $lt: query.to } },
      populate: { items: { select: ['id', 'courseDocumentId', 'title', 'unitPrice', 'discount', 'position'] } },
      orderBy: { paidAt: 'asc' },
    });
    const orders: OrderRecord[] = rows.map(orderFromRow);
    const groups = new Map<string, { group: Record<string, string>; currency: string; figures: Figures }>();
    const totals = new Map<string, Figures>();
    const count = (
      group: Record<string, string>,
      currency: string,
      gross: number,
      refunded: number,
      orders: number
    ) => {
      const key = `${JSON.stringify(group)}|${currency}`;
      const entry = groups.get(key) ?? { group, currency, figures: { orders: 0, gross: 0, refunded: 0 } };
      entry.figures = add(entry.figures, gross, refunded, orders);
      groups.set(key, entry);
    };
    for (const order of orders) {
      totals.set(order.currency, add(totals.get(order.currency), order.total, order.refundedAmount, 1));
      if (query.groupBy === 'day') {
        count({ day: order.paidAt!.slice(0, 10) }, order.currency, order.total, order.refundedAmount, 1);
        continue;
      }
      const paid = order.items.map((item) => item.unitPrice - item.discount);
      const refunds = allocate(order.refundedAmount, paid);
      order.items.forEach((item, index) =>
        count({ course: item.courseDocumentId, title: item.title }, order.currency, paid[index], refunds[index], 1)
      );
    }
    const present = (currency: string, figures: Figures) => ({
      currency,
      orders: figures.orders,
      gross: toMajorNumber(figures.gross, currency),
      refunded: toMajorNumber(figures.refunded, currency),
      net: toMajorNumber(figures.gross - figures.refunded, currency),
    });
    const data = [...groups.values()]
      .map(({ group, currency, figures }) => ({ ...group, ...present(currency, figures) }))
      .sort((a, b) =>
        query.groupBy === 'day'
          ? String((a as { day?: string }).day).localeCompare(String((b as { day?: string }).day)) ||
            a.currency.localeCompare(b.currency)
          : a.currency.localeCompare(b.currency) || Number(b.net) - Number(a.net)
      );
    return {
      data,
      totals: [...totals.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([currency, figures]) => present(currency, figures)),
    };
  },
});

import type { Core } from '@strapi/strapi';
import { createId } from '@paralleldrive/cuid2';
import { conflict, fieldProblem, invalidField, notFound, Refusal } from '../../../../../errors/refusal';
import { isPostgres, runSql, type SqlStatement } from '../../../../../access/raw-sql';
import { columnOf, tableOf } from '../../../../../database/tables';
import { enqueue, enqueueHeldInStatement, type EnqueuedJob } from '../../../../../jobs';
import { isAdmin, type Caller } from '../../../../../access/roles';
import { purchases, type EnrollmentRecord } from '../../../../enrollment/server/src/facade';
import { currencyCode, priceToMinor, toMajorNumber } from '../rules/money';
import { newOrderNumber } from '../rules/order-number';
import { normalCouponCode, priceOrder, type CouponTerms, type OrderLine } from '../rules/pricing';
import type { OrderRequest } from '../rules/order-request';
import { providerNamed } from '../providers';
import { fulfilOrderJob } from '../jobs/fulfil-order';
import {
  insertOrder,
  paidItemsStatement,
  PAID_STATUSES,
  pendingOrdersHolding,
  readCoursesForOrder,
  readOrderRow,
  readOrderRowForEvent,
  type OrderBuyer,
} from './order-rows';
import type { Checkout, CheckoutRequest, PaymentProvider } from '../providers/types';
import { settleLatePaymentJob } from '../jobs/settle-late-payment';

export const ORDER = 'plugin::commerce.order';
export const ORDER_ITEM = 'plugin::commerce.order-item';
const COUPON = 'api::coupon.coupon';

export type OrderStatus = 'pending' | 'paid' | 'failed' | 'cancelled' | 'refunded' | 'partially_refunded';
export { PAID_STATUSES };

/** An order as stored, with its items (money in minor units). */
export interface OrderRecord {
  id: number;
  documentId: string;
  number: string;
  status: OrderStatus;
  buyerId: number | null;
  currency: string;
  subtotal: number;
  discount: number;
  total: number;
  refundedAmount: number;
  couponCode: string | null;
  couponId: number | null;
  provider: string;
  providerReference: string | null;
  checkoutUrl: string | null;
  locale: string;
  paidAt: string | null;
  expiresAt: string | null;
  cancelledAt: string | null;
  fulfilledAt: string | null;
  /**
   * A payment that came after the order had given up (expired, cancelled, failed): `received` until the
   * settle-late-payment job fulfils it (`fulfilled`) or gives the money back (`refunded`); null for every other order.
   */
  latePayment: 'received' | 'fulfilled' | 'refunded' | null;
  createdAt: string;
  items: Array<{ courseDocumentId: string; title: string; unitPrice: number; discount: number }>;
}

/** Who is ordering, as their authentication read them (the checkout's email, the order's language). */
export interface OrderingBuyer {
  id: number;
  email: string | null;
  preferredLocale: string | null;
}

/** How long a pending order holds its seats: ORDERS_HOLD_MINUTES (30 by default; fractions allowed). */
export function holdMinutes(env: Record<string, string | undefined> = process.env): number {
  const value = Number(env.ORDERS_HOLD_MINUTES ?? '');
  return env.ORDERS_HOLD_MINUTES && Number.isFinite(value) && value > 0 ? value : 30;
}

/** The hold an order keeps on one course's seat. */
export const holdKeyOf = (orderDocumentId: string, courseDocumentId: string) =>
  `order:${orderDocumentId}:${courseDocumentId}`;

const asNumber = (value: unknown) => (value === null || value === undefined ? 0 : Number(value));
const isoOrNull = (value: unknown) => (value ? new Date(value as string).toISOString() : null);

export function orderFromRow(row: Record<string, any>): OrderRecord {
  const items = [...((row.items as Array<Record<string, any>> | undefined) ?? [])].sort(
    (a, b) => asNumber(a.position) - asNumber(b.position) || asNumber(a.id) - asNumber(b.id)
  );
  return {
    id: Number(row.id),
    documentId: row.documentId,
    number: row.number,
    status: row.status,
    buyerId: row.buyer?.id ?? null,
    currency: row.currency,
    subtotal: asNumber(row.subtotal),
    discount: asNumber(row.discount),
    total: asNumber(row.total),
    refundedAmount: asNumber(row.refundedAmount),
    couponCode: row.couponCode ?? null,
    couponId: row.couponId ?? null,
    provider: row.provider,
    providerReference: row.providerReference ?? null,
    checkoutUrl: row.checkoutUrl ?? null,
    locale: row.locale ?? 'en',
    paidAt: isoOrNull(row.paidAt),
    expiresAt: isoOrNull(row.expiresAt),
    cancelledAt: isoOrNull(row.cancelledAt),
    fulfilledAt: isoOrNull(row.fulfilledAt),
    latePayment: row.latePayment ?? null,
    createdAt: isoOrNull(row.createdAt) ?? new Date(0).toISOString(),
    items: items.map((item) => ({
      courseDocumentId: item.courseDocumentId,
      title: item.title ?? '',
      unitPrice: asNumber(item.unitPrice),
      discount: asNumber(item.discount),
    })),
  };
}

const ORDER_POPULATE = {
  items: { select: ['id', 'courseDocumentId', 'title', 'unitPrice', 'discount', 'position'] },
  buyer: { select: ['id'] },
};

/** The order as the API shows it (contract "Commerce"): money in major units, items by course. */
export function presentOrder(order: OrderRecord) {
  const money = (minor: number) => toMajorNumber(minor, order.currency);
  return {
    documentId: order.documentId,
    number: order.number,
    status: order.status,
    items: order.items.map((item) => ({
      course: item.courseDocumentId,
      title: item.title,
      unitPrice: money(item.unitPrice),
    })),
    subtotal: money(order.subtotal),
    discount: money(order.discount),
    total: money(order.total),
    refunded: money(order.refundedAmount),
    currency: order.currency,
    coupon: order.couponCode,
    provider: order.provider,
    providerReference: order.providerReference,
    paidAt: order.paidAt,
    expiresAt: order.expiresAt,
    cancelledAt: order.cancelledAt,
    createdAt: order.createdAt,
  };
}

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** An order with its items: one fixed statement (order-rows.ts). */
  async findByDocumentId(documentId: string): Promise<OrderRecord | null> {
    return (await this.findWithBuyer(documentId))?.order ?? null;
  },

  /** An order with its buyer's contact (the receipt's address and language), in the same one statement. */
  async findWithBuyer(documentId: string): Promise<{ order: OrderRecord; buyer: OrderBuyer | null } | null> {
    const found = await readOrderRow(strapi, documentId);
    return found ? { order: orderFromRow(found.row), buyer: found.buyer } : null;
  },

  /**
   * findWithBuyer, and whether the payment event keyed `eventKey` was recorded already, in one statement (a webhook's
   * first two questions).
   */
  async findForEvent(
    documentId: string,
    eventKey: string
  ): Promise<{ found: { order: OrderRecord; buyer: OrderBuyer | null } | null; isSeen: boolean }> {
    const { found, isSeen } = await readOrderRowForEvent(strapi, documentId, eventKey);
    return { found: found ? { order: orderFromRow(found.row), buyer: found.buyer } : null, isSeen };
  },

  /** An order its buyer or an admin may read; anyone else gets the 404 an unknown order gets. */
  async findVisible(caller: Caller, documentId: string): Promise<OrderRecord> {
    const order = await this.findByDocumentId(documentId);
    if (!order || !(isAdmin(caller) || (caller.userId !== null && order.buyerId === caller.userId)))
      throw notFound('No such order', 'order_not_found');
    return order;
  },

  /** Whether a buyer has bought a course (a paid or partly refunded order holds it): the payment rule's answer. */
  async hasPaidOrder(userId: number, courseDocumentId: string): Promise<boolean> {
    const paid = paidItemsStatement(strapi, userId, [courseDocumentId]);
    const { rows } = await runSql(strapi, `${paid.sql} LIMIT 1`, paid.bindings);
    return rows.length > 0;
  },

  async listForBuyer(buyerId: number, page: { page: number; pageSize: number }) {
    const where = { buyer: { id: buyerId } };
    const [rows, total] = await Promise.all([
      strapi.db.query(ORDER).findMany({
        where,
        populate: ORDER_POPULATE,
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        offset: (page.page - 1) * page.pageSize,
        limit: page.pageSize,
      }),
      strapi.db.query(ORDER).count({ where }),
    ]);
    return { data: rows.map(orderFromRow), total };
  },

  /**
   * Makes an order: the courses at their prices (the server's, never the client's), the coupon's discount, one seat
   * held per capacity-limited course and the coupon's redemption counted, all in one transaction, so a refusal
   * (a full course, a coupon used up meanwhile) leaves nothing behind. A zero total is paid at once (`free`) and
   * fulfilled before the answer; otherwise the provider makes its checkout and the order waits for its webhook.
   */
  async create(
    buyer: OrderingBuyer,
    request: OrderRequest,
    now: Date
  ): Promise<{ order: OrderRecord; checkoutUrl: string | null }> {
    const buyerId = buyer.id;
    const locale = buyer.preferredLocale === 'ru' ? 'ru' : 'en';
    const { lines, purchased, enrollments } = await this.orderLines(buyerId, request.courseDocumentIds, locale);

    for (const line of lines) {
      if (purchased.has(line.courseDocumentId))
        throw conflict(`You have already bought "${line.title}"`, 'already_purchased');
    }
    // The enrollment rules, as enrolling would apply them (409 already_enrolled, 403 not_published…).
    const capacities = new Map<string, number | null>();
    for (const line of lines) {
      const terms = await purchases(strapi).checkPurchase({
        userId: buyerId,
        courseDocumentId: line.courseDocumentId,
        now,
        enrollment: enrollments.get(line.courseDocumentId) ?? null,
      });
      capacities.set(line.courseDocumentId, terms.capacity);
    }

    const coupon = request.couponCode ? await this.findCoupon(request.couponCode) : null;
    if (request.couponCode && !coupon) throw couponRefusal('coupon_invalid', 'No coupon has this code');
    const pricing = priceOrder(lines, coupon, now);
    if (!pricing.ok) throw couponRefusal(pricing.reason, pricing.message);
    const priced = pricing.order;

    const isFree = priced.total === 0;
    const provider = isFree ? null : request.providerName ? providerNamed(strapi, request.providerName) : null;
    if (!isFree) {
      if (!request.providerName) throw invalidField('provider', 'provider is required for an order to pay');
      if (!provider?.isConfigured())
        throw new Refusal(`Payments through ${request.providerName} are not configured`, 'payments_not_configured', {
          status: 503,
        });
    }

    for (const line of lines)
      if (capacities.get(line.courseDocumentId) !== null) await purchases(strapi).prepareSeat(line.courseDocumentId);
    const expiresAt = new Date(now.getTime() + holdMinutes() * 60_000);
    const number = newOrderNumber(now);
    const documentId = createId();
    const items = priced.lines.map((line) => ({
      courseDocumentId: line.courseDocumentId,
      title: line.title,
      unitPrice: line.unitPrice,
      discount: line.discount,
    }));
    // The provider's checkout before anything is written (it is named by the documentId chosen above), so the order
    // is written once, with its checkout, and a provider that fails leaves nothing to undo. An order then refused in
    // its transaction (the last seat or the coupon's last redemption taken meanwhile) leaves that checkout unused at
    // the provider, where it expires: nobody is ever given its address.
    const checkout = isFree
      ? null
      : await this.makeCheckout(provider!, {
          order: {
            documentId,
            number,
            currency: priced.currency,
            total: priced.total,
            items: items.map((item) => ({ title: item.title, unitPrice: item.unitPrice - item.discount })),
            buyerEmail: buyer.email ?? null,
            locale,
          },
          returnUrl: `${frontendUrl()}/orders/${documentId}`,
          idempotencyKey: `order-${documentId}`,
        });
    const { order, fulfilment } = await strapi.db.transaction(async () => {
      // A retried checkout (another provider, a second tab) replaces the buyer's pending order for these courses, so
      // one buyer never holds two seats of a course. One buyer's orders are made one at a time (the lock), so two
      // parallel requests end with one pending order: the second sees the first and cancels it. The write answers
      // those orders (read after the lock, before the write) and they give up before the new order redeems its coupon
      // or holds its seats, so their seats and redemptions are free for it.
      await this.lockBuyer(buyerId);
      const created = await insertOrder(
        strapi,
        {
          documentId,
          number,
          status: isFree ? 'paid' : 'pending',
          buyerId,
          currency: priced.currency,
          subtotal: priced.subtotal,
          discount: priced.discount,
          total: priced.total,
          couponCode: coupon?.code ?? null,
          couponId: coupon?.id ?? null,
          provider: isFree ? 'free' : request.providerName!,
          providerReference: checkout?.providerReference ?? null,
          checkoutUrl: checkout?.checkoutUrl ?? null,
          locale,
          paidAt: isFree ? now : null,
          expiresAt: isFree ? null : expiresAt,
          items: priced.lines,
        },
        now
      );
      await this.cancelReplaced(created.pendingDocumentIds, now);
      if (coupon && !(await this.redeemCoupon(coupon.id)))
        throw couponRefusal('coupon_exhausted', 'This coupon has been used up');
      // A free order holds its seats too: the fulfilment turns each hold into the enrollment, within capacity.
      for (const line of lines) {
        await purchases(strapi).holdSeat(
          {
            key: holdKeyOf(created.documentId, line.courseDocumentId),
            courseDocumentId: line.courseDocumentId,
            capacity: capacities.get(line.courseDocumentId) ?? null,
            expiresAt,
          },
          now
        );
      }
      const job = isFree ? await this.recordFulfilment(created.documentId) : null;
      return { order: created, fulfilment: job };
    });

    if (fulfilment || !checkout) {
      // The contract: a free order has enrolled when the answer comes.
      await fulfilment?.deliver();
      return { order: (await this.findByDocumentId(order.documentId))!, checkoutUrl: null };
    }

    // What was just written: no read back on the purchase's path.
    const record: OrderRecord = {
      id: order.id,
      documentId: order.documentId,
      number,
      status: 'pending',
      buyerId,
      currency: priced.currency,
      subtotal: priced.subtotal,
      discount: priced.discount,
      total: priced.total,
      refundedAmount: 0,
      couponCode: coupon?.code ?? null,
      couponId: coupon?.id ?? null,
      provider: request.providerName!,
      providerReference: checkout.providerReference,
      checkoutUrl: checkout.checkoutUrl,
      locale,
      paidAt: null,
      expiresAt: expiresAt.toISOString(),
      cancelledAt: null,
      fulfilledAt: null,
      latePayment: null,
      createdAt: now.toISOString(),
      items,
    };
    return { order: record, checkoutUrl: checkout.checkoutUrl };
  },

  /** The provider's checkout of an order not yet written; a provider that fails is a 503 (its refusal as it is). */
  async makeCheckout(provider: PaymentProvider, request: CheckoutRequest): Promise<Checkout> {
    try {
      return await provider.createCheckout(request);
    } catch (error) {
      if (error instanceof Refusal) throw error;
      strapi.log.error(
        `commerce: ${provider.name} could not make the checkout of ${request.order.number}: ${(error as Error).message}`
      );
      throw new Refusal(`${provider.name} did not accept the payment; try again later`, 'payment_provider_error', {
        status: 503,
      });
    }
  },

  /**
   * The order's lines from the courses' published versions (the title in the buyer's language when there is one).
   * An unknown course is a 400 naming `courses`; an unpublished one is the enrollment rules' 403 `not_published`.
   */
  async orderLines(
    buyerId: number,
    courseDocumentIds: string[],
    locale: string
  ): Promise<{ lines: OrderLine[]; purchased: Set<string>; enrollments: Map<string, EnrollmentRecord | null> }> {
    // With whether the buyer bought each already (409 `already_purchased`) and the buyer's enrollment in each (the
    // enrollment rules' question): one read (order-rows.ts).
    const rows = await readCoursesForOrder(strapi, buyerId, courseDocumentIds);
    const purchased = new Set(rows.filter((row) => row.isPurchased).map((row) => row.documentId));
    const enrollments = new Map(rows.map((row) => [row.documentId, row.enrollment]));
    const unknown = courseDocumentIds.filter((id) => !rows.some((row) => row.documentId === id));
    if (unknown.length) throw invalidField('courses', `No course has the documentId ${unknown.join(', ')}`);
    const lines = courseDocumentIds.map((courseDocumentId) => {
      const versions = rows.filter((row) => row.documentId === courseDocumentId);
      const published = versions.filter((row) => row.publishedAt);
      const pick = (candidates: typeof rows) =>
        candidates.find((row) => row.locale === locale) ??
        candidates.find((row) => row.locale === 'en') ??
        candidates[0];
      const row = pick(published.length ? published : versions);
      const currency = currencyCode(row.currency ?? 'USD');
      if (!currency) throw invalidField('courses', `The course ${courseDocumentId} has no valid currency`);
      return {
        courseDocumentId,
        title: String(row.title ?? ''),
        unitPrice: priceToMinor(row.price, currency),
        currency,
      };
    });
    // One currency per order; a free course's currency does not matter.
    const priced = lines.filter((line) => line.unitPrice > 0);
    const currencies = new Set(priced.map((line) => line.currency));
    if (currencies.size > 1)
      throw invalidField(
        'courses',
        `These courses are sold in different currencies (${[...currencies].join(', ')}): order them separately`
      );
    const currency = priced[0]?.currency ?? lines[0].currency;
    return { lines: lines.map((line) => ({ ...line, currency })), purchased, enrollments };
  },

  async findCoupon(code: string): Promise<CouponTerms | null> {
    const row = await strapi.db.query(COUPON).findOne({
      where: { code: normalCouponCode(code) },
      populate: { courses: { select: ['documentId'] } },
    });
    if (!row) return null;
    return {
      id: row.id,
      code: row.code,
      percentOff: row.percentOff ?? null,
      amountOff: row.amountOff ?? null,
      currency: row.currency ?? null,
      validFrom: row.validFrom ? new Date(row.validFrom) : null,
      validUntil: row.validUntil ? new Date(row.validUntil) : null,
      maxRedemptions: row.maxRedemptions ?? null,
      redemptions: Number(row.redemptions ?? 0),
      courseDocumentIds: [
        ...new Set<string>((row.courses ?? []).map((course: { documentId: string }) => course.documentId)),
      ],
    };
  },

  /** Counts one redemption while the coupon has any left: one conditional update, exact under concurrent orders. */
  async redeemCoupon(couponId: number): Promise<boolean> {
    const { rows } = await runSql(
      strapi,
      'UPDATE ?? SET redemptions = coalesce(redemptions, 0) + 1 WHERE id = ? AND (max_redemptions IS NULL OR coalesce(redemptions, 0) < max_redemptions) RETURNING id',
      [tableOf(strapi, COUPON), couponId]
    );
    return rows.length === 1;
  },

  /**
   * Counts a redemption whatever the limit, in the caller's transaction: a late payment's order, which had given its
   * redemption back when it gave up, was paid at the coupon's price after all (services/late-payments.ts).
   */
  async countCouponAgain(couponId: number): Promise<void> {
    await runSql(strapi, 'UPDATE ?? SET redemptions = coalesce(redemptions, 0) + 1 WHERE id = ?', [
      tableOf(strapi, COUPON),
      couponId,
    ]);
  },

  /** Gives a redemption back (an order that was never paid), in the caller's transaction. */
  async returnCoupon(couponId: number): Promise<void> {
    await runSql(strapi, 'UPDATE ?? SET redemptions = redemptions - 1 WHERE id = ? AND redemptions > 0', [
      tableOf(strapi, COUPON),
      couponId,
    ]);
  },

  /**
   * Serialises the making of one buyer's orders, in the caller's transaction: a PostgreSQL advisory lock held until
   * it ends. SQLite has one writer at a time already.
   */
  async lockBuyer(buyerId: number): Promise<void> {
    if (!isPostgres(strapi)) return;
    await runSql(strapi, 'SELECT pg_advisory_xact_lock(hashtext(?))', [`commerce.order-buyer:${buyerId}`]);
  },

  /**
   * Cancels the buyer's pending orders that hold any of these courses, in the caller's transaction (their seats and
   * coupon redemptions go back before the new order takes its own). Answers how many were cancelled.
   */
  async replacePending(buyerId: number, courseDocumentIds: string[], now: Date): Promise<number> {
    return this.cancelReplaced(await pendingOrdersHolding(strapi, buyerId, courseDocumentIds), now);
  },

  /** Cancels these pending orders, replaced by a newer order of their buyer (replacePending), in the caller's transaction. */
  async cancelReplaced(documentIds: readonly string[], now: Date): Promise<number> {
    // Nearly always none.
    let replaced = 0;
    for (const documentId of documentIds) {
      const previous = await this.findByDocumentId(documentId);
      if (previous && (await this.giveUp(previous, 'cancelled', now))) {
        replaced += 1;
        strapi.log.info(`commerce: order ${previous.number} is replaced by a new order of its buyer`);
      }
    }
    return replaced;
  },

  /** Records the fulfilment job, in the transaction that marks the order paid. */
  recordFulfilment(orderDocumentId: string): Promise<EnqueuedJob> {
    return enqueue(strapi, fulfilOrderJob, { orderDocumentId }, { key: orderDocumentId });
  },

  /**
   * A pending order gives up (cancelled by its buyer, expired, failed at the provider): its status changes only
   * if it is still pending (one conditional update, so a payment and an expiry racing end one way), and then its
   * seats and its coupon's redemption go back, in the same transaction. False when it was no longer pending.
   */
  async giveUp(order: OrderRecord, status: 'cancelled' | 'failed', now: Date): Promise<boolean> {
    return strapi.db.transaction(async () => {
      const { count } = await strapi.db
        .query(ORDER)
        .updateMany({ where: { id: order.id, status: 'pending' }, data: { status, cancelledAt: now } });
      if (count !== 1) return false;
      for (const item of order.items)
        await purchases(strapi).releaseHold(holdKeyOf(order.documentId, item.courseDocumentId), item.courseDocumentId);
      if (order.couponId) await this.returnCoupon(order.couponId);
      return true;
    });
  },

  /** `POST /orders/:documentId/cancel`: the buyer, while the order is pending (409 `not_cancellable` after). */
  async cancel(caller: Caller, documentId: string, now: Date): Promise<OrderRecord> {
    const order = await this.findVisible(caller, documentId);
    if (order.buyerId !== caller.userId) throw notFound('No such order', 'order_not_found');
    if (!(await this.giveUp(order, 'cancelled', now)))
      throw conflict('Only a pending order can be cancelled', 'not_cancellable');
    return (await this.findByDocumentId(documentId))!;
  },

  /**
   * Marks a pending order paid and records its fulfilment in the same transaction, so a crash after "paid" still
   * enrolls (the job runner delivers it). Null when the order was no longer pending (nothing changes).
   */
  async markPaid(order: OrderRecord, providerReference: string | null, now: Date): Promise<EnqueuedJob | null> {
    if (isPostgres(strapi)) return this.markPaidInOneStatement(order, providerReference, now);
    return strapi.db.transaction(async () => {
      const { count } = await strapi.db.query(ORDER).updateMany({
        where: { id: order.id, status: 'pending' },
        data: { status: 'paid', paidAt: now, ...(providerReference ? { providerReference } : {}) },
      });
      if (count !== 1) return null;
      return this.recordFulfilment(order.documentId);
    });
  },

  /**
   * markPaid on PostgreSQL, the purchase's hot path: the order paid and its fulfilment job recorded by one
   * statement (a data-modifying CTE; the job only if the update matched), in the caller's transaction if any. The job
   * is written held by this instance (enqueueHeldInStatement): the webhook delivers it itself after the commit, and no
   * poll takes it meanwhile (the runner, woken by other purchases' jobs, used to claim some, and their webhooks then
   * waited for its run); a process that dies first leaves it to the next runner once its lease runs out.
   */
  async markPaidInOneStatement(
    order: OrderRecord,
    providerReference: string | null,
    now: Date,
    /** An INSERT … SELECT … (`FROM paid` is appended) run once if the order was paid: the webhook's event record. */
    alsoRecord?: SqlStatement
  ): Promise<EnqueuedJob | null> {
    const job = enqueueHeldInStatement(strapi, fulfilOrderJob, {
      payload: { orderDocumentId: order.documentId },
      key: order.documentId,
      from: 'paid',
    });
    const reference = providerReference ? `, ?? = ?` : '';
    const { rows } = await runSql<{ paid: unknown; job: unknown }>(
      strapi,
      `WITH paid AS (UPDATE ?? SET ?? = 'paid', ?? = ?${reference}, updated_at = ? WHERE id = ? AND ?? = 'pending' RETURNING id),
       job AS (${job.statement.sql} RETURNING id)${alsoRecord ? `, also_recorded AS (${alsoRecord.sql} FROM paid)` : ''}
       SELECT (SELECT count(*) FROM paid) AS paid, (SELECT id FROM job) AS job`,
      [
        tableOf(strapi, ORDER),
        columnOf(strapi, ORDER, 'status'),
        columnOf(strapi, ORDER, 'paidAt'),
        now,
        ...(providerReference ? [columnOf(strapi, ORDER, 'providerReference'), providerReference] : []),
        now,
        order.id,
        columnOf(strapi, ORDER, 'status'),
        ...job.statement.bindings,
        ...(alsoRecord?.bindings ?? []),
      ]
    );
    if (Number(rows[0].paid) !== 1) return null;
    const jobId = rows[0].job === null || rows[0].job === undefined ? null : Number(rows[0].job);
    return job.recorded(jobId);
  },

  /**
   * A payment for an order that had given up (expired, cancelled, failed): the money was taken, so the order is paid
   * after all, marked `latePayment: received`, and the settle-late-payment job recorded in the same transaction
   * decides (services/late-payments.ts): enrolled if its seats can still be taken, otherwise refunded in full. Null
   * when the order was not in such a state (a second late event changes nothing).
   */
  async acceptLatePayment(
    order: OrderRecord,
    providerReference: string | null,
    now: Date
  ): Promise<EnqueuedJob | null> {
    return strapi.db.transaction(async () => {
      const { count } = await strapi.db.query(ORDER).updateMany({
        where: { id: order.id, status: { $in: ['cancelled', 'failed'] }, latePayment: null },
        data: {
          status: 'paid',
          paidAt: now,
          latePayment: 'received',
          ...(providerReference ? { providerReference } : {}),
        },
      });
      if (count !== 1) return null;
      return enqueue(strapi, settleLatePaymentJob, { orderDocumentId: order.documentId }, { key: order.documentId });
    });
  },

  /** Pending orders past their hold give up their seats: the schedule's sweep. Answers how many expired. */
  async expireDue(now: Date): Promise<number> {
    let expired = 0;
    for (;;) {
      const rows = await strapi.db.query(ORDER).findMany({
        where: { status: 'pending', expiresAt: { $lte: now } },
        populate: ORDER_POPULATE,
        limit: 200,
        orderBy: { id: 'asc' },
      });
      for (const row of rows) if (await this.giveUp(orderFromRow(row), 'cancelled', now)) expired += 1;
      if (rows.length < 200) return expired;
    }
  },
});

function couponRefusal(reason: 'coupon_invalid' | 'coupon_expired' | 'coupon_exhausted', message: string) {
  return new Refusal(message, reason, { status: 400, fieldErrors: [fieldProblem('coupon', message)] });
}

const frontendUrl = () =>
  (process.env.FRONTEND_URL || process.env.PUBLIC_URL || 'http://localhost:3000').replace(/\/+$/, '');

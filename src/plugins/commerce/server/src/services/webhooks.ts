import type { Core } from '@strapi/strapi';
import { notFound, Refusal } from '../../../../../errors/refusal';
import { isPostgres, likeContaining, runSql, type SqlStatement } from '../../../../../access/raw-sql';
import { isUniqueViolation } from '../../../../../errors/unique-violation';
import { tableOf } from '../../../../../database/tables';
import { createId } from '@paralleldrive/cuid2';
import type { EnqueuedJob } from '../../../../../jobs';
import { providerNamed } from '../providers';
import { PaymentProviderError } from '../providers/provider-error';
import type { PaymentEvent, WebhookCall } from '../providers/types';
import { toMajor } from '../rules/money';
import type fulfilmentService from './fulfilment';
import type { PaidOrder } from './fulfilment';
import type ordersService from './orders';
import type { OrderRecord } from './orders';

const PAYMENT_EVENT = 'plugin::commerce.payment-event';
const ORDER = 'plugin::commerce.order';
/** What an erased buyer's payment events keep as their payload. */
export const ERASED_PAYLOAD = '{"erased":true}';
type Orders = ReturnType<typeof ordersService>;
type Fulfilment = ReturnType<typeof fulfilmentService>;

/** What a webhook call came to: the answer's `data`. */
export interface WebhookOutcome {
  received: true;
  /** `applied`: the order changed; `duplicate`: this event was seen before; `ignored`: nothing to do. */
  outcome: 'applied' | 'duplicate' | 'ignored';
  order: string | null;
}

/** A delivery of an event recorded meanwhile by another: its transaction rolls back. */
class ReplayedEvent extends Error {}

/** An event's unique key in `payment_events`. */
const eventKeyOf = (event: PaymentEvent) => `${event.provider}:${event.eventId}`;

const rejected = (message: string, reason: string) => new Refusal(message, reason, { status: 400 });

/**
 * One path for every provider's webhook (contract "Commerce", "Webhooks"): the provider verifies the call (signature,
 * source address, a re-read from its API) and says what it means; then the event is checked against its order
 * (known, same provider, same amount and currency), recorded once (the unique provider + event id of
 * `payment_events`, raw payload kept) and acted on in the same transaction. A replayed event changes nothing; an
 * event for an order that is no longer pending changes nothing (a late "failed" never undoes a payment); a call
 * that cannot be trusted or does not match is a 400, logged, and changes nothing.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async receive(providerName: string, call: WebhookCall): Promise<WebhookOutcome> {
    const provider = providerNamed(strapi, providerName);
    if (!provider) throw notFound(`No payment provider is called ${providerName}`, 'unknown_provider');
    let event: PaymentEvent;
    try {
      event = await provider.verifyWebhook(call);
    } catch (error) {
      this.logRejected(providerName, call, (error as Error).message);
      if (error instanceof Refusal) throw error;
      // The provider's API could not be asked (YooKassa's re-read): not the caller's fault, and the provider sends
      // the event again after a 5xx.
      if (error instanceof PaymentProviderError)
        throw new Refusal(
          `${providerName} could not confirm this event; send it again later`,
          'payment_provider_error',
          {
            status: 503,
          }
        );
      throw rejected('The webhook could not be verified', 'invalid_payload');
    }

    // A replay (providers resend until they get a 2xx, and again on their own schedule) is answered from the one
    // row that recorded it: an event is recorded only after it matched its order, so there is nothing to check again.
    // An event naming an order asks it in the statement that reads the order, with its buyer's contact (a payment's
    // inline fulfilment starts from this read, not from another).
    const orders = strapi.plugin('commerce').service('orders') as Orders;
    const lookup =
      event.kind === 'other' || !event.orderDocumentId
        ? { found: null, isSeen: await this.seenBefore(event) }
        : await orders.findForEvent(event.orderDocumentId, eventKeyOf(event));
    if (lookup.isSeen) return { received: true, outcome: 'duplicate', order: event.orderDocumentId };
    const found = lookup.found;
    const order = found?.order ?? null;
    if (event.kind !== 'other') {
      const problem = this.mismatch(event, order);
      if (problem) {
        this.logRejected(providerName, call, `${problem.message} (event ${event.eventId})`);
        throw problem;
      }
    }

    const now = new Date();
    const isOwnStatement = isPostgres(strapi) && !strapi.db.inTransaction();
    if (found && event.kind === 'payment.succeeded' && found.order.status === 'pending' && isOwnStatement) {
      const paid = await this.payInOneStatement(event, found, now);
      if (paid !== 'not_pending') return { received: true, outcome: paid, order: found.order.documentId };
      // Given up meanwhile (expired, cancelled): the late payment's path below.
    }
    let fulfilment: EnqueuedJob | null = null;
    let outcome: WebhookOutcome['outcome'];
    try {
      outcome = await strapi.db.transaction(async (): Promise<WebhookOutcome['outcome']> => {
        const acted = await this.act(event, order, now);
        fulfilment = acted.fulfilment;
        // Recorded last, with what it did: a replay that slipped past seenBefore (sent twice at once) meets the unique
        // key here, and its change, if any, is rolled back. The order's row is always locked before the event's key,
        // so two deliveries of one event wait on each other rather than deadlock.
        if (!(await this.recordOnce(event, acted.outcome, now))) throw new ReplayedEvent();
        return acted.outcome;
      });
    } catch (error) {
      if (!(error instanceof ReplayedEvent)) throw error;
      fulfilment = null;
      outcome = 'duplicate';
    }
    if (outcome === 'ignored' && order && event.kind !== 'other')
      strapi.log.info(
        `commerce: ${event.provider} event ${event.eventId} (${event.kind}) for order ${order.number}, which is ${order.status}: nothing changes`
      );
    // Enrolled (or a late payment settled) before the provider gets its answer; should this fail or the process die,
    // the job runner does it.
    if (fulfilment) await (fulfilment as EnqueuedJob).deliver();
    return { received: true, outcome, order: order?.documentId ?? null };
  },

  /**
   * The payment of a pending order on PostgreSQL, the purchase's hot path: the order paid, its fulfilment job and
   * the event's record (outcome `applied`) in one statement with no transaction around it, then the fulfilment
   * delivered from the order as read. A replay sent twice at once meets the event's unique key inside that statement,
   * which then changes nothing: `duplicate`. `not_pending` when the order was no longer pending (nothing written).
   */
  async payInOneStatement(
    event: PaymentEvent,
    found: PaidOrder,
    now: Date
  ): Promise<'applied' | 'duplicate' | 'not_pending'> {
    const orders = strapi.plugin('commerce').service('orders') as Orders;
    let fulfilment: EnqueuedJob | null;
    try {
      fulfilment = await orders.markPaidInOneStatement(
        found.order,
        event.providerReference,
        now,
        this.recordStatement(event, 'applied', now)
      );
    } catch (error) {
      if (isUniqueViolation(error)) return 'duplicate';
      throw error;
    }
    if (!fulfilment) return 'not_pending';
    const paid: PaidOrder = {
      order: {
        ...found.order,
        status: 'paid',
        paidAt: now.toISOString(),
        providerReference: event.providerReference ?? found.order.providerReference,
      },
      buyer: found.buyer,
    };
    const service = strapi.plugin('commerce').service('fulfilment') as Fulfilment;
    await fulfilment.deliver((jobDone) => service.fulfil(paid.order.documentId, paid, jobDone));
    return 'applied';
  },

  /** What a verified, matching, new event does to its order, in the caller's transaction. */
  async act(
    event: PaymentEvent,
    order: OrderRecord | null,
    now: Date
  ): Promise<{ outcome: 'applied' | 'ignored'; fulfilment: EnqueuedJob | null }> {
    const orders = strapi.plugin('commerce').service('orders') as Orders;
    if (!order || event.kind === 'other') return { outcome: 'ignored', fulfilment: null };
    if (event.kind === 'payment.succeeded') {
      // Paid while pending: fulfilled. Paid after the order gave up: the money is taken seriously (enrolled if the
      // seats can still be taken, else refunded), never just logged.
      const fulfilment =
        (await orders.markPaid(order, event.providerReference, now)) ??
        (await orders.acceptLatePayment(order, event.providerReference, now));
      return { outcome: fulfilment ? 'applied' : 'ignored', fulfilment };
    }
    return { outcome: (await orders.giveUp(order, 'failed', now)) ? 'applied' : 'ignored', fulfilment: null };
  },

  /** Why an event does not fit its order (a 400, nothing changes), or null when it does. */
  mismatch(event: PaymentEvent, order: OrderRecord | null): Refusal | null {
    if (!order) return rejected(`The event names no known order (${event.orderDocumentId ?? 'none'})`, 'unknown_order');
    if (order.provider !== event.provider)
      return rejected(`Order ${order.number} is not paid through ${event.provider}`, 'provider_mismatch');
    if (event.currency !== null && event.currency.toUpperCase() !== order.currency)
      return rejected(
        `The event is in ${event.currency}, order ${order.number} in ${order.currency}`,
        'currency_mismatch'
      );
    if (event.amount !== null && event.amount !== order.total)
      return rejected(
        `The event's amount is not order ${order.number}'s total (${toMajor(order.total, order.currency)} ${order.currency})`,
        'amount_mismatch'
      );
    return null;
  },

  async seenBefore(event: PaymentEvent): Promise<boolean> {
    const { rows } = await runSql(strapi, 'SELECT 1 AS "seen" FROM ?? WHERE "key" = ?', [
      tableOf(strapi, PAYMENT_EVENT),
      eventKeyOf(event),
    ]);
    return rows.length > 0;
  },

  /**
   * The event's record as an INSERT … SELECT for another statement to run (PostgreSQL; the caller appends its FROM):
   * no ON CONFLICT, so a replay that got there first fails that whole statement.
   */
  recordStatement(event: PaymentEvent, outcome: 'applied' | 'ignored', now: Date): SqlStatement {
    return {
      sql: `INSERT INTO ?? (document_id, "key", provider, event_id, kind, order_document_id, outcome, payload, received_at, created_at, updated_at, published_at)
       SELECT CAST(? AS varchar), CAST(? AS varchar), CAST(? AS varchar), CAST(? AS varchar), CAST(? AS varchar), CAST(? AS varchar), CAST(? AS varchar), CAST(? AS text),
         CAST(? AS timestamp), CAST(? AS timestamp), CAST(? AS timestamp), CAST(? AS timestamp)`,
      bindings: [tableOf(strapi, PAYMENT_EVENT), ...this.recordValues(event, outcome, now)],
    };
  },

  recordValues(event: PaymentEvent, outcome: 'applied' | 'ignored', now: Date): unknown[] {
    return [
      createId(),
      eventKeyOf(event),
      event.provider,
      event.eventId.slice(0, 255),
      event.kind,
      event.orderDocumentId,
      outcome,
      event.payload,
      now,
      now,
      now,
      now,
    ];
  },

  /** Inserts the event with what it did, unless its provider + id is there already; false for a replay. */
  async recordOnce(event: PaymentEvent, outcome: 'applied' | 'ignored', now: Date): Promise<boolean> {
    const { rows } = await runSql(
      strapi,
      `INSERT INTO ?? (document_id, "key", provider, event_id, kind, order_document_id, outcome, payload, received_at, created_at, updated_at, published_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT ("key") DO NOTHING RETURNING id`,
      [tableOf(strapi, PAYMENT_EVENT), ...this.recordValues(event, outcome, now)]
    );
    return rows.length === 1;
  },

  logRejected(provider: string, call: WebhookCall, why: string): void {
    strapi.log.warn(`commerce: ${provider} webhook from ${call.ip} rejected: ${why}`);
  },

  /**
   * Erasure (contract, "Trust and privacy"): a provider's payload carries the payer's email, name and billing details,
   * so the payloads of the buyer's orders' events, and of any other event naming them (a provider's customer event),
   * become `{"erased":true}`, in the caller's transaction. The row itself stays (provider, event id, kind, order,
   * outcome): a replay is still recognised and the order's history still reads. `texts` are the email and names to
   * look for (case-insensitive, as written or as JSON escapes them). Answers how many payloads were replaced.
   */
  async erasePayloadsOf(buyerId: number, texts: string[]): Promise<number> {
    const orders: Array<{ documentId: string }> = await strapi.db
      .query(ORDER)
      .findMany({ where: { buyer: { id: buyerId } }, select: ['documentId'] });
    const patterns = [
      ...new Set(texts.flatMap((text) => [text, JSON.stringify(text).slice(1, -1)]).map((text) => text.toLowerCase())),
    ].map(likeContaining);
    const erase = (condition: string, bindings: unknown[]) =>
      runSql(strapi, `UPDATE ?? SET payload = ? WHERE payload <> ? AND (${condition})`, [
        tableOf(strapi, PAYMENT_EVENT),
        ERASED_PAYLOAD,
        ERASED_PAYLOAD,
        ...bindings,
      ]);
    let erased = 0;
    for (let start = 0; start < orders.length; start += 500) {
      const chunk = orders.slice(start, start + 500).map((order) => order.documentId);
      erased += (await erase(`order_document_id IN (${chunk.map(() => '?').join(', ')})`, chunk)).count;
    }
    for (const pattern of patterns) erased += (await erase(`LOWER(payload) LIKE ? ESCAPE '\\'`, [pattern])).count;
    return erased;
  },

  /** An order's payment events, oldest first (for the admin pages). */
  async eventsOf(orderDocumentId: string) {
    return strapi.db.query(PAYMENT_EVENT).findMany({
      where: { orderDocumentId },
      select: ['provider', 'eventId', 'kind', 'outcome', 'receivedAt'],
      orderBy: { id: 'asc' },
    });
  },
});

import type { Core } from '@strapi/strapi';
import { notFound } from '../../../../../errors/refusal';
import { providerNamed } from '../providers';
import { sandboxSignature, SANDBOX_SIGNATURE_HEADER, type SandboxWebhookBody } from '../providers/sandbox';
import { toMajor } from '../rules/money';
import type ordersService from './orders';
import type { OrderRecord } from './orders';
import type webhooksService from './webhooks';

type Orders = ReturnType<typeof ordersService>;
type Webhooks = ReturnType<typeof webhooksService>;

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);

/**
 * The sandbox's checkout (outside production only): a page with "Pay" and "Decline", and its answer, which signs a
 * sandbox webhook with PAYMENTS_SANDBOX_SECRET and hands it to the webhook path, as the sandbox "provider" would
 * post it: the same verification, event record and fulfilment as a real payment.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** The order a sandbox checkout is for: a sandbox order (anything else, or no sandbox here, is a 404). */
  async sandboxOrder(orderDocumentId: string): Promise<OrderRecord> {
    const provider = providerNamed(strapi, 'sandbox');
    const order = provider?.isConfigured()
      ? await (strapi.plugin('commerce').service('orders') as Orders).findByDocumentId(orderDocumentId)
      : null;
    if (!order || order.provider !== 'sandbox') throw notFound('No sandbox checkout for this order', 'order_not_found');
    return order;
  },

  async page(orderDocumentId: string): Promise<string> {
    const order = await this.sandboxOrder(orderDocumentId);
    const money = (minor: number) => `${toMajor(minor, order.currency)} ${order.currency}`;
    const items = order.items
      .map((item) => `<li>${escapeHtml(item.title)}: ${escapeHtml(money(item.unitPrice))}</li>`)
      .join('');
    const action = `/api/payments/sandbox/checkout/${encodeURIComponent(order.documentId)}`;
    const buttons =
      order.status === 'pending'
        ? `<form method="post" action="${action}"><button name="outcome" value="paid">Pay</button> <button name="outcome" value="failed">Decline</button></form>`
        : `<p>This order is <strong>${escapeHtml(order.status)}</strong>.</p>`;
    return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sandbox checkout: ${escapeHtml(order.number)}</title></head>
<body style="font-family: sans-serif; max-width: 32rem; margin: 2rem auto">
<h1>Sandbox checkout</h1>
<p>Order <strong>${escapeHtml(order.number)}</strong>. No money moves: this page stands in for a payment provider.</p>
<ul>${items}</ul>
<p>Total: <strong>${escapeHtml(money(order.total))}</strong></p>
${buttons}
</body></html>`;
  },

  /** "Pay" or "Decline": the signed sandbox webhook, through the same path a provider's call takes. */
  async submit(orderDocumentId: string, outcome: 'paid' | 'failed') {
    const order = await this.sandboxOrder(orderDocumentId);
    const body: SandboxWebhookBody = {
      id: `sandbox_${outcome}_${order.documentId}`,
      type: outcome === 'paid' ? 'payment.succeeded' : 'payment.failed',
      order: order.documentId,
      amount: toMajor(order.total, order.currency),
      currency: order.currency,
    };
    const rawBody = Buffer.from(JSON.stringify(body));
    const webhooks = strapi.plugin('commerce').service('webhooks') as Webhooks;
    const result = await webhooks.receive('sandbox', {
      rawBody,
      headers: {
        'content-type': 'application/json',
        [SANDBOX_SIGNATURE_HEADER]: sandboxSignature(process.env.PAYMENTS_SANDBOX_SECRET ?? '', rawBody),
      },
      ip: '127.0.0.1',
    });
    const orders = strapi.plugin('commerce').service('orders') as Orders;
    return { result, order: (await orders.findByDocumentId(order.documentId))! };
  },
});

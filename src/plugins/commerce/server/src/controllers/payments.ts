import type { Core } from '@strapi/strapi';
import { bodyWithOnly, documentIdParam } from '../../../../../access/params';
import { invalidField, Refusal } from '../../../../../errors/refusal';
import type sandboxCheckoutService from '../services/sandbox-checkout';
import type webhooksService from '../services/webhooks';

const webhooks = (strapi: Core.Strapi) =>
  strapi.plugin('commerce').service('webhooks') as ReturnType<typeof webhooksService>;
const sandbox = (strapi: Core.Strapi) =>
  strapi.plugin('commerce').service('sandbox-checkout') as ReturnType<typeof sandboxCheckoutService>;

const PROVIDER = /^[a-z]{1,20}$/;

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /**
   * POST /payments/webhooks/:provider — no token: the provider proves itself (signature, address, re-read). The
   * body parser kept the exact bytes for these paths (src/strapi-patches/body-middleware.ts): signatures are over
   * them, not over a re-serialised object.
   */
  async receive(ctx: any) {
    const provider = String(ctx.params.provider ?? '');
    if (!PROVIDER.test(provider)) throw invalidField('provider', 'provider must be a provider name');
    const rawBody: unknown = ctx.request.rawBody;
    if (!Buffer.isBuffer(rawBody))
      throw new Refusal('The webhook body was not kept as received', 'invalid_payload', { status: 400 });
    const result = await webhooks(strapi).receive(provider, {
      rawBody,
      headers: ctx.request.headers,
      ip: ctx.request.ip,
    });
    ctx.body = { data: result, meta: {} };
  },

  /** GET /payments/sandbox/checkout/:orderDocumentId — the sandbox's payment page. */
  async sandboxPage(ctx: any) {
    const html = await sandbox(strapi).page(documentIdParam(ctx.params.orderDocumentId, 'orderDocumentId'));
    ctx.type = 'text/html; charset=utf-8';
    // The page's own form posts back here; nothing else may frame or script it.
    ctx.set(
      'Content-Security-Policy',
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'"
    );
    ctx.body = html;
  },

  /**
   * POST /payments/sandbox/checkout/:orderDocumentId { outcome: "paid"|"failed" } — the page's buttons (a form post:
   * 303 back to the page) or a client (JSON: 200 with the order).
   */
  async sandboxSubmit(ctx: any) {
    const orderDocumentId = documentIdParam(ctx.params.orderDocumentId, 'orderDocumentId');
    const body = bodyWithOnly(ctx.request.body, ['outcome']);
    if (body.outcome !== 'paid' && body.outcome !== 'failed')
      throw invalidField('outcome', 'outcome must be paid or failed');
    const { result, order } = await sandbox(strapi).submit(orderDocumentId, body.outcome);
    if (ctx.request.is('application/x-www-form-urlencoded', 'multipart/form-data')) {
      ctx.status = 303;
      ctx.redirect(`/api/payments/sandbox/checkout/${encodeURIComponent(orderDocumentId)}`);
      return;
    }
    ctx.body = { data: { outcome: result.outcome, status: order.status, order: order.documentId }, meta: {} };
  },
});

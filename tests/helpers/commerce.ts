import { createHmac, randomBytes } from 'crypto';
import type { Core } from '@strapi/strapi';
import type { TestApp } from './strapi';
import type { factories, TestUser } from './factories';

/** Buying in tests: sandbox webhooks signed as the contract says, and the rows to look at. */

/** The key tests/helpers/env.ts gives the sandbox. */
export const SANDBOX_SECRET = () => process.env.PAYMENTS_SANDBOX_SECRET ?? '';

export const sandboxSignature = (raw: string | Buffer, secret = SANDBOX_SECRET()) =>
  createHmac('sha256', secret).update(raw).digest('hex');

export const eventId = () => `evt_${randomBytes(8).toString('hex')}`;

/** Posts a sandbox webhook: `body` as JSON (or the exact raw text), signed unless `signature` says otherwise. */
export function sendSandboxWebhook(
  app: TestApp,
  body: Record<string, unknown> | string,
  options: { signature?: string; baseUrl?: string } = {}
) {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  return app.request
    .post('/api/payments/webhooks/sandbox')
    .set('Content-Type', 'application/json')
    .set('X-Sandbox-Signature', options.signature ?? sandboxSignature(raw))
    .send(raw);
}

/** Orders a list of courses through the API as `buyer`. */
export const placeOrder = (app: TestApp, buyer: TestUser, body: Record<string, unknown>) =>
  app.request.post('/api/orders').set(buyer.auth).send(body);

/** A published course with a price (major units) in a currency, and maybe a capacity. */
export function paidCourse(
  make: ReturnType<typeof factories>,
  teacher: TestUser,
  price: number | string,
  options: { currency?: string; capacity?: number; data?: Record<string, unknown>; published?: boolean } = {}
) {
  return make.createCourse({
    teacher,
    lessons: 1,
    published: options.published ?? true,
    data: {
      price,
      currency: options.currency ?? 'USD',
      ...(options.capacity ? { capacity: options.capacity } : {}),
      ...options.data,
    },
  });
}

/** The student's enrollment row in a course, or null. */
export function enrollmentOf(strapi: Core.Strapi, userId: number, courseDocumentId: string) {
  return strapi.db
    .query('plugin::enrollment.enrollment')
    .findOne({ where: { key: `${userId}:${courseDocumentId}` }, select: ['id', 'status'] });
}

/** A course's seat row: seats taken (enrollments) and held (pending orders). */
export async function seatsOf(strapi: Core.Strapi, courseDocumentId: string) {
  const row = await strapi.db
    .query('plugin::enrollment.course-seat')
    .findOne({ where: { courseDocumentId }, select: ['taken', 'held'] });
  return row ? { taken: Number(row.taken ?? 0), held: Number(row.held ?? 0) } : null;
}

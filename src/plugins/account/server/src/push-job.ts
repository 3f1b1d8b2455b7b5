import http from 'http';
import https from 'https';
import type { Core } from '@strapi/strapi';
import { defineJob, enqueue } from '../../../../jobs';
import { accountTables, inKnex } from './tables';

/** What a push carries to the service worker (JSON, encrypted aes128gcm for the subscription). */
export interface PushMessage {
  type: string;
  title: string;
  body?: string | null;
  link?: string | null;
}

interface PushDelivery {
  subscriptionId: number;
  endpoint: string;
  message: PushMessage;
}

interface RequestDetails {
  method: string;
  headers: Record<string, string | number>;
  body: Buffer | null;
  endpoint: string;
}
type WebPush = {
  generateRequestDetails(
    subscription: { endpoint: string; keys: { p256dh: string; auth: string } },
    payload: string,
    options: Record<string, unknown>
  ): RequestDetails;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const webpush: WebPush = require('web-push');

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
  subject: string;
}

/** Whether web push is configured (VAPID keys): without it no push is ever sent or recorded. */
export const isWebPushConfigured = (): boolean => vapidKeys() !== null;

/** VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY and VAPID_SUBJECT (`npm start` writes them into .env), or null when unset. */
export function vapidKeys(): VapidKeys | null {
  const publicKey = process.env.VAPID_PUBLIC_KEY?.trim();
  const privateKey = process.env.VAPID_PRIVATE_KEY?.trim();
  if (!publicKey || !privateKey) return null;
  return { publicKey, privateKey, subject: process.env.VAPID_SUBJECT?.trim() || 'mailto:admin@localhost' };
}

/** How long a push service keeps a message for a device that is offline (seconds). */
const TTL_SECONDS = 24 * 60 * 60;
const TIMEOUT_MS = 15_000;

/** Sends the encrypted request web-push prepared; answers the push service's status. */
function post(details: RequestDetails): Promise<number> {
  const url = new URL(details.endpoint);
  const send = url.protocol === 'http:' ? http.request : https.request;
  return new Promise((resolve, reject) => {
    const request = send(
      url,
      { method: details.method, headers: details.headers as http.OutgoingHttpHeaders, timeout: TIMEOUT_MS },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', reject);
      }
    );
    request.on('timeout', () => request.destroy(new Error('the push service did not answer in time')));
    request.on('error', reject);
    request.end(details.body ?? undefined);
  });
}

/**
 * `push.send`: one message to one subscription through the web-push package (payload encrypted aes128gcm, VAPID
 * signed). A push service answering 404 or 410 says the subscription is gone: it is deleted and the job is done.
 * Any other failure throws, and the runner retries with backoff. A subscription deleted meanwhile sends nothing.
 */
export const pushJob = defineJob<PushDelivery>('push.send', async (strapi, delivery) => {
  const table = accountTables(strapi).pushSubscriptions;
  const subscription = await inKnex(strapi, (knex) =>
    knex(table)
      .select('endpoint', 'p256dh', 'auth')
      .where({ id: delivery.subscriptionId, endpoint: delivery.endpoint })
      .first()
  );
  if (!subscription) return;
  const vapid = vapidKeys();
  if (!vapid) throw new Error('VAPID keys are not configured (VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY)');
  const details = webpush.generateRequestDetails(
    { endpoint: subscription.endpoint, keys: { p256dh: subscription.p256dh, auth: subscription.auth } },
    JSON.stringify(delivery.message),
    { vapidDetails: vapid, TTL: TTL_SECONDS, contentEncoding: 'aes128gcm' }
  );
  const status = await post(details);
  if (status === 404 || status === 410) {
    await inKnex(strapi, (knex) =>
      knex(table).where({ id: delivery.subscriptionId, endpoint: delivery.endpoint }).delete()
    );
    return;
  }
  if (status < 200 || status >= 300) throw new Error(`the push service answered ${status}`);
});

/**
 * Records one `push.send` per subscription of the given users, in the caller's transaction (with the notices that
 * cause them). With a delivery key, a retried delivery records none twice. Nothing when VAPID keys are not set.
 */
export async function enqueuePushes(
  strapi: Core.Strapi,
  userIds: readonly number[],
  message: PushMessage,
  deliveryKey?: string
): Promise<number> {
  if (userIds.length === 0 || !vapidKeys()) return 0;
  const subscriptions: Array<{ id: number; endpoint: string }> = [];
  const ids = [...new Set(userIds)];
  for (let index = 0; index < ids.length; index += 500)
    subscriptions.push(
      ...(await inKnex(strapi, (knex) =>
        knex(accountTables(strapi).pushSubscriptions)
          .select('id', 'endpoint')
          .whereIn('user_id', ids.slice(index, index + 500))
      ))
    );
  for (const subscription of subscriptions)
    await enqueue(
      strapi,
      pushJob,
      { subscriptionId: Number(subscription.id), endpoint: subscription.endpoint, message },
      deliveryKey ? { key: `push:${deliveryKey}:${subscription.id}` } : {}
    );
  return subscriptions.length;
}

import type { Core } from '@strapi/strapi';
import { defineJob, enqueue, type EnqueueOptions, type EnqueuedJob } from '../jobs';
import { routeEmailProvider, sendThroughStock } from '../strapi-patches/email-provider';

/** One message, as the email plugin's `send` takes it. Plain strings only: the outbox keeps it as JSON. */
export interface MailMessage {
  to: string;
  subject: string;
  text?: string;
  html?: string;
  from?: string;
  replyTo?: string;
  cc?: string;
  bcc?: string;
}

/**
 * `mail.send`: one message through the email plugin's service (so whatever watches that service sees every mail).
 * A failed send throws and the runner retries the job; a job that succeeded is not run again. So each message
 * goes out at least once, twice only if the process dies between the SMTP answer and the runner's record of it.
 */
export const mailJob = defineJob<MailMessage>('mail.send', (strapi, message) => sendMailFromJob(strapi, message));

/**
 * Sends a message now, through the email plugin's service to the transport, from inside a job that is itself the
 * durable carrier of that message (it composed it and is retried if this throws). Saves the second job a
 * `sendMail` would record: an enrollment's confirmation is one job, not two, on the busiest write there is.
 */
export async function sendMailFromJob(strapi: Core.Strapi, message: MailMessage): Promise<void> {
  // The stock provider in place, so the message reaches the transport instead of being enqueued again.
  await sendThroughStock(() => strapi.plugin('email').service('email').send(message) as Promise<unknown>);
}

/**
 * Records a message to send after the caller's transaction commits. `key` (unique per message) keeps a second
 * enqueue of the same message, e.g. by a retried job that composes it, from sending it twice.
 */
export const sendMail = (strapi: Core.Strapi, message: MailMessage, options?: EnqueueOptions): Promise<EnqueuedJob> =>
  enqueue(strapi, mailJob, message, options);

/**
 * Every mail goes through `mail.send`, the ones Strapi sends too: the email provider itself enqueues
 * (src/strapi-patches/email-provider.ts), so no path can bypass the job. Called once the email plugin has made its
 * provider (app bootstrap).
 */
export function sendMailThroughJobs(strapi: Core.Strapi): void {
  routeEmailProvider(strapi, async (options) => {
    await sendMail(strapi, options as unknown as MailMessage);
  });
}

import { AsyncLocalStorage } from 'async_hooks';
import type { Core } from '@strapi/strapi';
import { defineJob, enqueue, type EnqueueOptions, type EnqueuedJob } from '../jobs';

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

/** Set while `mail.send` runs, so the provider sends for real instead of enqueuing the message again. */
const delivering = new AsyncLocalStorage<true>();

/**
 * `mail.send`: one message through the email plugin's service (so whatever watches that service sees every mail).
 * A failed send throws and the runner retries the job; a job that succeeded is not run again. So each message
 * goes out at least once, twice only if the process dies between the SMTP answer and the runner's record of it.
 */
export const mailJob = defineJob<MailMessage>('mail.send', async (strapi, message) => {
  await delivering.run(true, () => strapi.plugin('email').service('email').send(message) as Promise<unknown>);
});

/**
 * Records a message to send after the caller's transaction commits. `key` (unique per message) keeps a second
 * enqueue of the same message, e.g. by a retried job that composes it, from sending it twice.
 */
export const sendMail = (strapi: Core.Strapi, message: MailMessage, options?: EnqueueOptions): Promise<EnqueuedJob> =>
  enqueue(strapi, mailJob, message, options);

interface EmailProvider {
  send(options: Record<string, unknown>): Promise<unknown>;
}
const routed = new WeakSet<EmailProvider>();

/**
 * Every mail goes through `mail.send`, the ones Strapi sends too (users-permissions' email confirmation and
 * password reset, the admin's test mail): the email provider itself enqueues, so no path can bypass the job and
 * no plugin of Strapi's needs patching. Called once the email plugin has made its provider (app bootstrap).
 */
export function sendMailThroughJobs(strapi: Core.Strapi): void {
  const plugin = strapi.plugin('email') as unknown as { provider?: EmailProvider };
  const provider = plugin.provider;
  if (!provider || routed.has(provider)) return;
  const sendNow = provider.send.bind(provider);
  const throughJob: EmailProvider = {
    ...provider,
    async send(options) {
      // Attachments (buffers, streams) do not survive JSON; nothing of Lyceum's sends them.
      if (delivering.getStore() || 'attachments' in options) return sendNow(options);
      await sendMail(strapi, options as unknown as MailMessage);
      return undefined;
    },
  };
  routed.add(throughJob);
  plugin.provider = throughJob;
}

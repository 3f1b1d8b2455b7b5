import { AsyncLocalStorage } from 'async_hooks';
import type { Core } from '@strapi/strapi';
import { withStock } from './switches';

/**
 * email-provider: the email plugin's `provider` object (made by @strapi/email's bootstrap, called by its service's
 * `send` and `sendTemplatedEmail`) is replaced by one whose `send` hands the message to `route` instead of the
 * transport, so every mail, Strapi's own included (users-permissions' confirmation and password reset, the admin's
 * test mail), can go through a durable job without patching those plugins. Inside `sendThroughStock`, the stock
 * provider sends: that is how the job delivers. Not a performance patch: no switch.
 */
export interface EmailProvider {
  send(options: Record<string, unknown>): Promise<unknown>;
}

/** What the replacement does with a message: record it to send later. */
export type RouteMail = (options: Record<string, unknown>) => Promise<void>;

const throughStock = new AsyncLocalStorage<true>();
const routed = new WeakSet<EmailProvider>();

/** Runs `send` with the stock provider in place: the email service's calls inside it reach the transport. */
export const sendThroughStock = <Result>(send: () => Promise<Result>): Promise<Result> => throughStock.run(true, send);

/** Called once the email plugin has made its provider (the app's bootstrap); a second call changes nothing. */
export function routeEmailProvider(strapi: Core.Strapi, route: RouteMail): void {
  const plugin = strapi.plugin('email') as unknown as { provider?: EmailProvider };
  const provider = plugin.provider;
  if (!provider || routed.has(provider)) return;
  const stockSend = provider.send.bind(provider);
  const replacement: EmailProvider = {
    ...provider,
    send: withStock(async (options: Record<string, unknown>) => {
      // Attachments (buffers, streams) do not survive being recorded as JSON; nothing of Lyceum's sends them.
      if (throughStock.getStore() || 'attachments' in options) return stockSend(options);
      await route(options);
      return undefined;
    }, stockSend),
  };
  routed.add(replacement);
  plugin.provider = replacement;
}

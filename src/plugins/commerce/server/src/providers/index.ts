import type { AddressInfo } from 'net';
import type { Core } from '@strapi/strapi';
import { Refusal } from '../../../../../errors/refusal';
import { createSandboxProvider } from './sandbox';
import { createStripeProvider } from './stripe';
import { createYooKassaProvider } from './yookassa';
import type { PaymentProvider, ProviderName } from './types';

/**
 * The payment providers by name, configured or not (an unconfigured one answers 503 `payments_not_configured` to a
 * buyer choosing it). Orders, webhooks and refunds find their provider here and speak only the PaymentProvider
 * interface (types.ts), so a provider is one module registered in `providerRegistry`.
 */

export type { PaymentProvider, ProviderName } from './types';
export const PROVIDER_NAMES: readonly ProviderName[] = ['stripe', 'yookassa', 'sandbox'];

export interface ProviderSettings {
  env: Record<string, string | undefined>;
  /** This server's public base URL (no trailing slash): checkout pages and return addresses start with it. */
  publicUrl: string;
}

/**
 * The sandbox exists outside production only (contract "Commerce"). `npm run bench` measures the production build
 * buying through it with LYCEUM_BENCH_SANDBOX_PAYMENTS=true, exactly that value; never set it in a deployment (the
 * sandbox's checkout page marks orders paid for anyone).
 */
export const isSandboxAllowed = (env: Record<string, string | undefined>) =>
  env.NODE_ENV !== 'production' || env.LYCEUM_BENCH_SANDBOX_PAYMENTS === 'true';

/** A provider whose module is not wired yet, or whose keys are missing: listed, never configured. */
export function unconfiguredProvider(name: ProviderName): PaymentProvider {
  const refuse = () =>
    Promise.reject(
      new Refusal(`Payments through ${name} are not configured`, 'payments_not_configured', { status: 503 })
    );
  return { name, isConfigured: () => false, createCheckout: refuse, verifyWebhook: refuse, refund: refuse };
}

/** Every provider Lyceum offers in this environment, by name. */
export function providerRegistry(settings: ProviderSettings): Map<ProviderName, PaymentProvider> {
  const providers = new Map<ProviderName, PaymentProvider>();
  // Each reads its keys (STRIPE_*, YOOKASSA_*) at every call, so an unset key answers 503 without a restart of the
  // registry; the environment object is kept, not copied.
  providers.set('stripe', createStripeProvider(settings.env));
  providers.set('yookassa', createYooKassaProvider(settings.env));
  if (isSandboxAllowed(settings.env))
    providers.set(
      'sandbox',
      createSandboxProvider({ secret: settings.env.PAYMENTS_SANDBOX_SECRET ?? '', publicUrl: settings.publicUrl })
    );
  return providers;
}

/**
 * This server's public base URL: PUBLIC_URL, else the address it listens on (a developer's machine, the tests),
 * else localhost at the configured port.
 */
export function publicUrlOf(strapi: Core.Strapi): string {
  const configured = strapi.config.get<string>('server.url', '');
  if (configured) return configured.replace(/\/+$/, '');
  const address = strapi.server?.httpServer?.address() as AddressInfo | string | null | undefined;
  const port = address && typeof address === 'object' ? address.port : strapi.config.get<number>('server.port', 1337);
  return `http://localhost:${port}`;
}

const registries = new WeakMap<Core.Strapi, Map<ProviderName, PaymentProvider>>();

/** This instance's providers, made at first use (after the server listens, so the sandbox knows its address). */
export function paymentProviders(strapi: Core.Strapi): Map<ProviderName, PaymentProvider> {
  let registry = registries.get(strapi);
  if (!registry) {
    registry = providerRegistry({ env: process.env, publicUrl: publicUrlOf(strapi) });
    registries.set(strapi, registry);
  }
  return registry;
}

/** A provider by its name as a request gives it; undefined for a name this environment does not offer. */
export function providerNamed(strapi: Core.Strapi, name: string): PaymentProvider | undefined {
  return (PROVIDER_NAMES as readonly string[]).includes(name)
    ? paymentProviders(strapi).get(name as ProviderName)
    : undefined;
}

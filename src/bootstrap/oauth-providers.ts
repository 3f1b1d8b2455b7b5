import type { Core } from '@strapi/strapi';

/**
 * Sign-in with Google, VK and Yandex through users-permissions' own OAuth flow:
 *   GET /api/connect/:provider            → redirect to the provider
 *   GET /api/connect/:provider/callback   → code exchanged for a token, kept in the API's session cookie,
 *                                           then a redirect to the frontend's callback page
 *   GET /api/auth/:provider/callback      → the frontend calls this (with the cookie) and gets the tokens
 * Google and VK are built into users-permissions; Yandex is added here as a custom provider.
 */
export const OAUTH_PROVIDERS = ['google', 'vk', 'yandex'] as const;
export type OAuthProvider = (typeof OAUTH_PROVIDERS)[number];

const YANDEX = {
  authorizeUrl: 'https://oauth.yandex.ru/authorize',
  tokenUrl: 'https://oauth.yandex.ru/token',
  profileUrl: 'https://login.yandex.ru/info?format=json',
};

interface YandexProfile {
  login?: string;
  default_email?: string;
  emails?: string[];
}

/** Registered in `register()`, before users-permissions writes its provider settings at bootstrap. */
export function registerYandexProvider(strapi: Core.Strapi) {
  const registry = strapi.plugin('users-permissions').service('providers-registry');
  registry.add('yandex', {
    enabled: false,
    icon: 'yandex',
    grantConfig: {
      key: '',
      secret: '',
      oauth: 2,
      authorize_url: YANDEX.authorizeUrl,
      access_url: YANDEX.tokenUrl,
      scope: ['login:email', 'login:info'],
      scope_delimiter: ' ',
      callbackUrl: '',
    },
    async authCallback({ accessToken }: { accessToken: string }) {
      const response = await fetch(YANDEX.profileUrl, { headers: { Authorization: `OAuth ${accessToken}` } });
      if (!response.ok) throw new Error('Yandex did not accept the access token');
      const profile = (await response.json()) as YandexProfile;
      const email = profile.default_email ?? profile.emails?.[0];
      if (!email) throw new Error('Yandex did not share an email address');
      return { username: profile.login || email.split('@')[0], email };
    },
  });
}

const envName = (provider: OAuthProvider, suffix: string) => `OAUTH_${provider.toUpperCase()}_${suffix}`;

/** Where the provider sends the browser back once the API has the token: a page of the frontend. */
export function frontendCallbackUrl(provider: OAuthProvider, env: NodeJS.ProcessEnv = process.env) {
  const template =
    env.OAUTH_REDIRECT_URL ||
    `${(env.FRONTEND_URL || 'http://localhost:3000').replace(/\/$/, '')}/connect/:provider/redirect`;
  return template.replace(':provider', provider);
}

/**
 * A provider whose client id and secret are in the environment is switched on with them; one without is
 * left as the admin panel set it (Settings → Providers), so both ways of configuring keep working.
 */
export async function configureOAuthProviders(strapi: Core.Strapi, env: NodeJS.ProcessEnv = process.env) {
  const store = strapi.store({ type: 'plugin', name: 'users-permissions', key: 'grant' });
  const grant = ((await store.get({})) ?? {}) as Record<string, Record<string, unknown>>;
  let changed = false;
  for (const provider of OAUTH_PROVIDERS) {
    const key = env[envName(provider, 'CLIENT_ID')];
    const secret = env[envName(provider, 'CLIENT_SECRET')];
    if (!key || !secret) continue;
    const wanted = { ...grant[provider], enabled: true, key, secret, callback: frontendCallbackUrl(provider, env) };
    if (JSON.stringify(wanted) !== JSON.stringify(grant[provider])) {
      grant[provider] = wanted;
      changed = true;
    }
  }
  if (changed) await store.set({ value: grant });
}

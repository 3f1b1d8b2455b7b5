import http from 'http';
import type { AddressInfo } from 'net';
import supertest from 'supertest';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/**
 * Google, VK and Yandex played by one local HTTP server. The API reaches providers with the global fetch,
 * so in this process requests to their hosts are sent to that server instead; everything else, the whole
 * users-permissions flow included, is the real code.
 */
const PROVIDER_HOSTS = ['oauth2.googleapis.com', 'oauth.vk.com', 'api.vk.com', 'oauth.yandex.ru', 'login.yandex.ru'];
const FRONTEND = 'http://frontend.test';
/** The API's public address: providers send the browser back to it. */
const API = 'http://api.lyceum.test';

interface TokenRequest {
  host: string;
  path: string;
  form: URLSearchParams;
}

let app: TestApp;
let providerServer: http.Server;
let providerOrigin: string;
let tokenRequests: TokenRequest[] = [];
const realFetch = globalThis.fetch;

const profiles: Record<string, { email: string; verified?: boolean; name?: string }> = {
  'google-token': { email: 'Ada.Google@example.com', verified: true },
  'google-unverified': { email: 'unverified@example.com', verified: false },
  'vk-token': { email: 'ivan.vk@example.com', name: 'Иван' },
  'yandex-token': { email: 'olga@yandex.example', name: 'olga' },
  'taken-token': { email: 'taken@example.com', verified: true },
};
const codes: Record<string, string> = {
  'google-code': 'google-token',
  'google-unverified-code': 'google-unverified',
  'vk-code': 'vk-token',
  'yandex-code': 'yandex-token',
  'taken-code': 'taken-token',
};

function playProviders(request: http.IncomingMessage, response: http.ServerResponse) {
  const url = new URL(request.url ?? '/', 'http://local');
  const [, host, ...rest] = url.pathname.split('/');
  const path = `/${rest.join('/')}`;
  let body = '';
  request.on('data', (chunk) => (body += chunk));
  request.on('end', () => {
    const json = (status: number, value: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(value));
    };
    if (request.method === 'POST') {
      const form = new URLSearchParams(body);
      tokenRequests.push({ host, path, form });
      const token = codes[form.get('code') ?? ''];
      if (!token || !form.get('client_secret')?.startsWith('secret-'))
        return json(400, { error: 'invalid_grant', error_description: 'Bad code' });
      const vkExtras = host === 'oauth.vk.com' ? { email: profiles[token].email, user_id: 42 } : {};
      return json(200, { access_token: token, token_type: 'bearer', expires_in: 3600, ...vkExtras });
    }
    const bearer = (request.headers.authorization ?? '').replace(/^(Bearer|OAuth) /, '');
    const token = host === 'oauth2.googleapis.com' ? (url.searchParams.get('access_token') ?? '') : bearer;
    const profile = profiles[token];
    if (!profile) return json(401, { error: 'invalid_token' });
    if (host === 'oauth2.googleapis.com' && path === '/tokeninfo')
      return json(200, { email: profile.email, email_verified: String(profile.verified) });
    if (host === 'api.vk.com' && path === '/method/users.get')
      return json(200, { response: [{ id: 42, first_name: profile.name, last_name: 'Petrov' }] });
    if (host === 'login.yandex.ru' && path === '/info')
      return json(200, { login: profile.name, default_email: profile.email });
    return json(404, { error: 'not_found' });
  });
}

beforeAll(async () => {
  providerServer = http.createServer(playProviders);
  await new Promise<void>((resolve) => providerServer.listen(0, '127.0.0.1', resolve));
  providerOrigin = `http://127.0.0.1:${(providerServer.address() as AddressInfo).port}`;
  globalThis.fetch = ((input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (!PROVIDER_HOSTS.includes(url.hostname)) return realFetch(input, init);
    return realFetch(`${providerOrigin}/${url.hostname}${url.pathname}${url.search}`, init);
  }) as typeof fetch;

  app = await startLyceum({
    FRONTEND_URL: FRONTEND,
    PUBLIC_URL: API,
    OAUTH_GOOGLE_CLIENT_ID: 'google-client',
    OAUTH_GOOGLE_CLIENT_SECRET: 'secret-google',
    OAUTH_VK_CLIENT_ID: 'vk-client',
    OAUTH_VK_CLIENT_SECRET: 'secret-vk',
    OAUTH_YANDEX_CLIENT_ID: 'yandex-client',
    OAUTH_YANDEX_CLIENT_SECRET: 'secret-yandex',
  });
}, 120_000);

afterAll(async () => {
  await stopLyceum();
  globalThis.fetch = realFetch;
  await new Promise((resolve) => providerServer.close(resolve));
});

beforeEach(() => {
  tokenRequests = [];
});

/** A browser: keeps the API's session cookie between the redirects. */
const browser = () =>
  supertest.agent(`http://127.0.0.1:${(app.strapi.server.httpServer.address() as AddressInfo).port}`);

async function signIn(provider: string, code: string) {
  const agent = browser();
  const started = await agent.get(`/api/connect/${provider}`);
  expect(started.status).toBe(302);
  const authorize = new URL(started.headers.location);
  const state = authorize.searchParams.get('state')!;
  const returned = await agent.get(`/api/connect/${provider}/callback`).query({ code, state });
  expect(returned.status).toBe(302);
  expect(returned.headers.location.startsWith(`${FRONTEND}/connect/${provider}/redirect`)).toBe(true);
  const tokens = await agent.get(`/api/auth/${provider}/callback`);
  return { authorize, returned, tokens, agent };
}

describe('OAuth sign-in', () => {
  it('sends the browser to Google with the client id, a state and the API callback', async () => {
    const response = await browser().get('/api/connect/google');
    expect(response.status).toBe(302);
    const location = new URL(response.headers.location);
    expect(location.origin + location.pathname).toBe('https://accounts.google.com/o/oauth2/v2/auth');
    expect(location.searchParams.get('client_id')).toBe('google-client');
    expect(location.searchParams.get('state')).toMatch(/^[0-9a-f]{40}$/);
    expect(location.searchParams.get('redirect_uri')).toBe(`${API}/api/connect/google/callback`);
  });

  it('signs a new Google user in as a student, after exchanging the code with the client secret', async () => {
    const { tokens } = await signIn('google', 'google-code');
    expect(tokens.status).toBe(200);
    expect(tokenRequests).toHaveLength(1);
    expect(tokenRequests[0]).toMatchObject({ host: 'oauth2.googleapis.com', path: '/token' });
    expect(tokenRequests[0].form.get('client_id')).toBe('google-client');
    expect(tokenRequests[0].form.get('client_secret')).toBe('secret-google');
    expect(tokenRequests[0].form.get('redirect_uri')).toBe(`${API}/api/connect/google/callback`);
    expect(tokens.body.user.email).toBe('ada.google@example.com');
    expect(tokens.body.jwt).toEqual(expect.any(String));

    const me = await app.request
      .get('/api/users/me')
      .query({ populate: 'role' })
      .set('Authorization', `Bearer ${tokens.body.jwt}`);
    expect(me.status).toBe(200);
    expect(me.body.role.type).toBe('student');
    expect(me.body.confirmed).toBe(true);
  });

  it('signs the same Google user in again without creating a second account', async () => {
    const first = await signIn('google', 'google-code');
    const second = await signIn('google', 'google-code');
    expect(second.tokens.status).toBe(200);
    expect(second.tokens.body.user.id).toBe(first.tokens.body.user.id);
    const count = await app.strapi.db
      .query('plugin::users-permissions.user')
      .count({ where: { email: 'ada.google@example.com' } });
    expect(count).toBe(1);
  });

  it('signs a VK user in with the email VK returns beside the token', async () => {
    const { tokens } = await signIn('vk', 'vk-code');
    expect(tokens.status).toBe(200);
    expect(tokenRequests[0]).toMatchObject({ host: 'oauth.vk.com', path: '/access_token' });
    expect(tokens.body.user.email).toBe('ivan.vk@example.com');
  });

  it('signs a Yandex user in through the custom provider', async () => {
    const { authorize, tokens } = await signIn('yandex', 'yandex-code');
    expect(authorize.origin + authorize.pathname).toBe('https://oauth.yandex.ru/authorize');
    expect(authorize.searchParams.get('scope')).toBe('login:email login:info');
    expect(tokens.status).toBe(200);
    expect(tokenRequests[0]).toMatchObject({ host: 'oauth.yandex.ru', path: '/token' });
    expect(tokens.body.user).toMatchObject({ email: 'olga@yandex.example', username: 'olga' });
  });

  it('refuses a Google account whose email Google has not verified', async () => {
    const { tokens } = await signIn('google', 'google-unverified-code');
    expect(tokens.status).toBe(400);
    expect(tokens.body.error.message).toMatch(/not verified/i);
    expect(
      await app.strapi.db.query('plugin::users-permissions.user').count({ where: { email: 'unverified@example.com' } })
    ).toBe(0);
  });

  it('refuses to take over an account registered with a password under the same email', async () => {
    const registered = await app.request
      .post('/api/auth/local/register')
      .send({ username: 'taken', email: 'taken@example.com', password: 'Correct-horse-9' });
    expect(registered.status).toBe(200);
    const { tokens } = await signIn('google', 'taken-code');
    expect(tokens.status).toBe(400);
    expect(tokens.body.error.message).toMatch(/already taken/i);
    expect(
      await app.strapi.db.query('plugin::users-permissions.user').count({ where: { email: 'taken@example.com' } })
    ).toBe(1);
  });

  it('refuses a callback whose state does not match the one the browser was sent with', async () => {
    const agent = browser();
    await agent.get('/api/connect/google');
    const returned = await agent.get('/api/connect/google/callback').query({ code: 'google-code', state: 'forged' });
    expect(returned.status).toBe(302);
    expect(new URL(returned.headers.location).searchParams.get('error')).toBe('oauth_error');
    expect(tokenRequests).toHaveLength(0);
    const tokens = await agent.get('/api/auth/google/callback');
    expect(tokens.status).toBe(400);
  });

  it('refuses a code the provider rejects, and a token call without a provider session', async () => {
    const agent = browser();
    const started = await agent.get('/api/connect/yandex');
    const state = new URL(started.headers.location).searchParams.get('state')!;
    const returned = await agent.get('/api/connect/yandex/callback').query({ code: 'stolen', state });
    expect(new URL(returned.headers.location).searchParams.get('error')).toBe('oauth_error');
    expect((await agent.get('/api/auth/yandex/callback')).status).toBe(400);
    expect((await browser().get('/api/auth/vk/callback')).status).toBe(400);
  });

  it('keeps providers without credentials switched off', async () => {
    const response = await browser().get('/api/connect/github');
    expect(response.status).toBe(400);
    expect(response.body.error.message).toMatch(/disabled/i);
  });
});

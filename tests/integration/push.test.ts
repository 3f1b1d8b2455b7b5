import { createDecipheriv, createECDH, createPublicKey, hkdfSync, randomBytes, verify, type ECDH } from 'crypto';
import http from 'http';
import type { AddressInfo } from 'net';
import { factories, type TestUser } from '../helpers/factories';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/**
 * Contract, "Tutor marketplace", Web push: the VAPID public key at GET /push/public-key; POST
 * /me/push-subscriptions { endpoint, keys: { p256dh, auth } } and DELETE /me/push-subscriptions?endpoint=; notices
 * of kinds whose push setting is on go out through the durable job `push.send` with the web-push package. A local
 * push service here decrypts each payload (aes128gcm, RFC 8291) with the subscription's own private key and checks
 * the VAPID signature; 404 and 410 delete the subscription, other failures are retried.
 */
let app: TestApp;
let make: ReturnType<typeof factories>;
let pushService: http.Server;
let pushUrl: string;
const NOTIFICATION = 'api::notification.notification';
const SUBSCRIPTIONS = 'lyceum_push_subscriptions';
const notices = () => app.strapi.service(NOTIFICATION) as any;

// The server's key pair, made as `npm start` makes it.
const { vapidKeyPair } = require('../../scripts/lib') as {
  vapidKeyPair: () => { publicKey: string; privateKey: string };
};
const { publicKey: VAPID_PUBLIC_KEY, privateKey: VAPID_PRIVATE_KEY } = vapidKeyPair();

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}
const received: Received[] = [];
/** What the push service answers, by path prefix. */
const answers = new Map<string, number>();

beforeAll(async () => {
  pushService = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '';
      received.push({ path, headers: request.headers, body: Buffer.concat(chunks) });
      const prefix = [...answers.keys()].find((key) => path.startsWith(key));
      response.statusCode = prefix ? answers.get(prefix)! : 201;
      response.end();
    });
  });
  await new Promise<void>((resolve) => pushService.listen(0, '127.0.0.1', resolve));
  pushUrl = `http://127.0.0.1:${(pushService.address() as AddressInfo).port}`;
  app = await startLyceum({
    VAPID_PUBLIC_KEY,
    VAPID_PRIVATE_KEY,
    VAPID_SUBJECT: 'mailto:push@example.test',
    PUSH_ALLOW_HTTP_LOOPBACK: 'true',
    JOBS_BACKOFF_BASE_MS: '20',
    JOBS_POLL_MS: '50',
  });
  make = factories(app.strapi);
});
afterAll(async () => {
  await stopLyceum();
  await new Promise((resolve) => pushService.close(resolve));
});

/** A browser's subscription: its own P-256 key pair and auth secret, as PushSubscription.toJSON() gives them. */
function browser(path: string) {
  const keys = createECDH('prime256v1');
  keys.generateKeys();
  const auth = randomBytes(16);
  return {
    keys,
    auth,
    json: {
      endpoint: `${pushUrl}${path}`,
      keys: { p256dh: keys.getPublicKey().toString('base64url'), auth: auth.toString('base64url') },
    },
  };
}

const subscribe = (user: TestUser, body: unknown) =>
  app.request
    .post('/api/me/push-subscriptions')
    .set(user.auth)
    .send(body as object);
const unsubscribe = (user: TestUser, endpoint?: string) =>
  app.request
    .delete('/api/me/push-subscriptions')
    .query(endpoint === undefined ? {} : { endpoint })
    .set(user.auth);
const subscriptionsOf = (userId: number) => app.strapi.db.connection(SUBSCRIPTIONS).where({ user_id: userId });

const hkdf = (salt: Buffer, ikm: Buffer, info: Buffer, length: number) =>
  Buffer.from(hkdfSync('sha256', ikm, salt, info, length));

/** RFC 8188 / 8291: one aes128gcm record, decrypted with the receiving browser's private key and auth secret. */
function decrypt(body: Buffer, receiver: ECDH, authSecret: Buffer): string {
  const salt = body.subarray(0, 16);
  const idLength = body[20];
  const senderKey = body.subarray(21, 21 + idLength);
  const record = body.subarray(21 + idLength);
  const ikm = hkdf(
    authSecret,
    receiver.computeSecret(senderKey),
    Buffer.concat([Buffer.from('WebPush: info\0'), receiver.getPublicKey(), senderKey]),
    32
  );
  const key = hkdf(salt, ikm, Buffer.from('Content-Encoding: aes128gcm\0'), 16);
  const nonce = hkdf(salt, ikm, Buffer.from('Content-Encoding: nonce\0'), 12);
  const decipher = createDecipheriv('aes-128-gcm', key, nonce);
  decipher.setAuthTag(record.subarray(record.length - 16));
  const plain = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
  let end = plain.length - 1;
  while (end > 0 && plain[end] === 0) end -= 1;
  expect(plain[end]).toBe(2); // the last record's delimiter
  return plain.subarray(0, end).toString('utf8');
}

/** `Authorization: vapid t=<JWT>, k=<public key>`: signed ES256 by the server's VAPID key, for this origin. */
function checkVapid(header: string | undefined) {
  const match = /^vapid t=([^,]+), k=(.+)$/.exec(header ?? '');
  expect(match).not.toBeNull();
  const [, token, publicKey] = match!;
  expect(publicKey).toBe(VAPID_PUBLIC_KEY);
  const [head, payload, signature] = token.split('.');
  const point = Buffer.from(publicKey, 'base64url');
  const key = createPublicKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      x: point.subarray(1, 33).toString('base64url'),
      y: point.subarray(33).toString('base64url'),
    },
    format: 'jwk',
  });
  expect(
    verify(
      'sha256',
      Buffer.from(`${head}.${payload}`),
      { key, dsaEncoding: 'ieee-p1363' },
      Buffer.from(signature, 'base64url')
    )
  ).toBe(true);
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
  expect(claims.aud).toBe(pushUrl);
  expect(claims.sub).toBe('mailto:push@example.test');
}

async function eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false): Promise<T> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const value = await check();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('never happened');
}

describe('the public key', () => {
  test('GET /push/public-key answers the VAPID public key, to anyone', async () => {
    const response = await app.request.get('/api/push/public-key');
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual({ publicKey: VAPID_PUBLIC_KEY });
    expect(JSON.stringify(response.body)).not.toContain(VAPID_PRIVATE_KEY);
  });
});

describe('subscriptions', () => {
  test('one per device: a second POST of an endpoint updates it; another user signing in on the device takes it over', async () => {
    const [first, second] = await Promise.all([make.createUser('student'), make.createUser('student')]);
    const device = browser('/device-a');
    const created = await subscribe(first, device.json);
    expect(created.status).toBe(201);
    expect(created.body.data.endpoint).toBe(device.json.endpoint);
    const renewed = browser('/device-a');
    expect((await subscribe(first, renewed.json)).status).toBe(201);
    const rows = await subscriptionsOf(first.id);
    expect(rows).toHaveLength(1);
    expect(rows[0].p256dh).toBe(renewed.json.keys.p256dh);
    expect((await subscribe(first, browser('/device-b').json)).status).toBe(201);
    expect(await subscriptionsOf(first.id)).toHaveLength(2);
    expect((await subscribe(second, renewed.json)).status).toBe(201);
    expect(await subscriptionsOf(first.id)).toHaveLength(1);
    expect(await subscriptionsOf(second.id)).toHaveLength(1);
  });

  test('bad subscriptions are 400 naming the field, and nothing is stored', async () => {
    const user = await make.createUser('student');
    const good = browser('/bad-input').json;
    const cases: Array<[unknown, string]> = [
      [{ ...good, endpoint: 'http://push.example.com/x' }, 'endpoint'],
      [{ ...good, endpoint: 'ftp://127.0.0.1/x' }, 'endpoint'],
      [{ ...good, endpoint: 'not a url' }, 'endpoint'],
      [{ ...good, endpoint: `https://push.example.com/${'x'.repeat(2100)}` }, 'endpoint'],
      [{ keys: good.keys }, 'endpoint'],
      [{ endpoint: good.endpoint }, 'keys'],
      [{ ...good, keys: { ...good.keys, p256dh: randomBytes(64).toString('base64url') } }, 'keys.p256dh'],
      [{ ...good, keys: { ...good.keys, p256dh: 'not base64!' } }, 'keys.p256dh'],
      [{ ...good, keys: { ...good.keys, auth: randomBytes(8).toString('base64url') } }, 'keys.auth'],
      [{ ...good, keys: { ...good.keys, auth: 42 } }, 'keys.auth'],
      [{ ...good, owner: 1 }, 'owner'],
    ];
    for (const [body, field] of cases) {
      const response = await subscribe(user, body);
      expect(response.status).toBe(400);
      expect(response.body.error.details.errors.map((error: any) => error.path[0])).toContain(field);
    }
    expect(await subscriptionsOf(user.id)).toHaveLength(0);
    expect([401, 403]).toContain((await app.request.post('/api/me/push-subscriptions').send(good)).status);
  });

  test('DELETE ?endpoint= removes the caller’s own; another’s or an unknown one is 404; none given is 400', async () => {
    const [owner, other] = await Promise.all([make.createUser('student'), make.createUser('student')]);
    const device = browser('/to-delete');
    await subscribe(owner, device.json);
    expect((await unsubscribe(other, device.json.endpoint)).status).toBe(404);
    expect((await unsubscribe(owner)).status).toBe(400);
    const removed = await unsubscribe(owner, device.json.endpoint);
    expect(removed.status).toBe(200);
    expect(removed.body.data).toEqual({ endpoint: device.json.endpoint, removed: true });
    expect(await subscriptionsOf(owner.id)).toHaveLength(0);
    expect((await unsubscribe(owner, device.json.endpoint)).status).toBe(404);
  });
});

describe('delivery', () => {
  test('a notice reaches every subscribed device, encrypted for it and VAPID-signed', async () => {
    const user = await make.createUser('student');
    const phone = browser('/deliver/phone');
    const laptop = browser('/deliver/laptop');
    await subscribe(user, phone.json);
    await subscribe(user, laptop.json);
    await notices().notify(user.id, {
      type: 'grade_posted',
      title: 'Your essay is graded',
      body: '9 of 10',
      link: '/x',
    });
    for (const device of [phone, laptop]) {
      const request = await eventually(() =>
        received.find((entry) => entry.path === new URL(device.json.endpoint).pathname)
      );
      expect(request.headers['content-encoding']).toBe('aes128gcm');
      expect(Number(request.headers.ttl)).toBeGreaterThan(0);
      checkVapid(request.headers.authorization);
      const message = JSON.parse(decrypt(request.body, device.keys, device.auth));
      expect(message).toEqual({ type: 'grade_posted', title: 'Your essay is graded', body: '9 of 10', link: '/x' });
      // Nothing readable on the wire.
      expect(request.body.toString('latin1')).not.toContain('essay');
    }
  });

  test('push off for a kind: nothing is sent for it; another kind still is', async () => {
    const user = await make.createUser('student');
    const device = browser('/quiet/device');
    await subscribe(user, device.json);
    await app.request
      .put('/api/me/settings')
      .set(user.auth)
      .send({ notifications: { broadcast: { push: false } } });
    await notices().notify(user.id, { type: 'broadcast', title: 'Not pushed' });
    await notices().notify(user.id, { type: 'new_message', title: 'Pushed' });
    const request = await eventually(() => received.find((entry) => entry.path === '/quiet/device'));
    expect(JSON.parse(decrypt(request.body, device.keys, device.auth)).title).toBe('Pushed');
    const jobs = await app.strapi.db.connection('lyceum_jobs').where('type', 'push.send').select('payload');
    expect(jobs.filter((job: { payload: string }) => job.payload.includes('Not pushed'))).toHaveLength(0);
    expect(received.filter((entry) => entry.path === '/quiet/device')).toHaveLength(1);
  });

  test('404 or 410 from the push service deletes the subscription', async () => {
    const user = await make.createUser('student');
    answers.set('/gone', 410);
    answers.set('/missing', 404);
    await subscribe(user, browser('/gone/device').json);
    await subscribe(user, browser('/missing/device').json);
    await subscribe(user, browser('/alive/device').json);
    await notices().notify(user.id, { type: 'grade_posted', title: 'Anyone there?' });
    await eventually(async () => (await subscriptionsOf(user.id)).length === 1);
    expect((await subscriptionsOf(user.id))[0].endpoint).toBe(`${pushUrl}/alive/device`);
  });

  test('other failures are retried by the job runner until the push service takes the message', async () => {
    const user = await make.createUser('student');
    answers.set('/flaky', 503);
    const device = browser('/flaky/device');
    await subscribe(user, device.json);
    await notices().notify(user.id, { type: 'grade_posted', title: 'Try again' });
    const failed = await eventually(async () => {
      const [job] = await app.strapi.db
        .connection('lyceum_jobs')
        .where('type', 'push.send')
        .where('payload', 'like', '%Try again%');
      return job && job.attempts >= 1 && job.last_error ? job : undefined;
    });
    expect(failed.last_error).toContain('503');
    expect(await subscriptionsOf(user.id)).toHaveLength(1);
    answers.set('/flaky', 201);
    const done = await eventually(async () => {
      const [job] = await app.strapi.db.connection('lyceum_jobs').where({ id: failed.id });
      return job.status === 'done' ? job : undefined;
    });
    expect(done.attempts).toBeGreaterThanOrEqual(2);
    const last = received.filter((entry) => entry.path === '/flaky/device').at(-1)!;
    expect(JSON.parse(decrypt(last.body, device.keys, device.auth)).title).toBe('Try again');
  });

  test('erasing the account removes its subscriptions; the export lists them without keys', async () => {
    const user = await make.createUser('student');
    const device = browser('/erase/device');
    await subscribe(user, device.json);
    const { collectPersonalData } = require('../../dist/src/privacy/personal-data');
    const data = await collectPersonalData(app.strapi, user.id);
    expect(data.documents['push-subscriptions.json']).toEqual([
      expect.objectContaining({ endpoint: device.json.endpoint }),
    ]);
    expect(JSON.stringify(data.documents)).not.toContain(device.json.keys.auth);
    const erased = await app.request.delete('/api/me').set(user.auth).send({ password: 'Secret-pass-1' });
    expect([200, 204]).toContain(erased.status);
    expect(await subscriptionsOf(user.id)).toHaveLength(0);
  });
});

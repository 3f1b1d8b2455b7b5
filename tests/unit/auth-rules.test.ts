import path from 'path';
import { createRequire } from 'module';
import { signInLimitKeys } from '../../src/access/sign-in-limit';
import { verifyRefreshToken } from '../../src/access/sessions';

describe('signInLimitKeys', () => {
  test.each([
    [[7], 'ada@example.test', ['account:7']],
    [[7], 'ADA', ['account:7']],
    [[7, 7], 'ada', ['account:7']],
    [[7, 9], 'ada', ['account:7', 'account:9']],
    [[], 'Nobody@Example.test ', ['identifier:nobody@example.test']],
    [[], ' NOBODY@example.TEST', ['identifier:nobody@example.test']],
  ])('accounts %j named by %j spend %j', (accountIds, identifier, keys) => {
    expect(signInLimitKeys(accountIds, identifier)).toEqual(keys);
  });
});

/**
 * verifyRefreshToken repeats the signature check of core's session manager (which offers none that ignores the
 * row's state): compared here with the real session manager, on an in-memory store, with the origin defined the way
 * users-permissions' bootstrap defines it.
 */
describe('verifyRefreshToken agrees with core’s session manager', () => {
  const coreDir = path.dirname(require.resolve('@strapi/core/package.json'));
  const { createSessionManager } = require(path.join(coreDir, 'dist/services/session-manager.js'));
  const jwt = createRequire(require.resolve('@strapi/core'))('jsonwebtoken');
  const rows: Array<Record<string, any>> = [];
  const db = {
    query: () => ({
      create: async ({ data }: { data: Record<string, any> }) => {
        const row = { ...data, createdAt: new Date() };
        rows.push(row);
        return row;
      },
      findOne: async ({ where }: { where: { sessionId: string } }) =>
        rows.find((row) => row.sessionId === where.sessionId) ?? null,
      update: async ({ where, data }: { where: { sessionId: string }; data: Record<string, any> }) =>
        Object.assign(
          rows.find((row) => row.sessionId === where.sessionId)!,
          data
        ),
      deleteMany: async () => undefined,
    }),
  };
  const secret = 'unit-test-secret';
  const upConfig = { jwtSecret: secret, jwt: { expiresIn: '30d' } };
  const strapi = {
    config: { get: (key: string, fallback?: unknown) => (key === 'plugin::users-permissions' ? upConfig : fallback) },
  } as any;
  const sessionManager = createSessionManager({ db });
  sessionManager.defineOrigin('users-permissions', {
    jwtSecret: secret,
    accessTokenLifespan: 600,
    maxRefreshTokenLifespan: 86_400,
    idleRefreshTokenLifespan: 3_600,
    maxSessionLifespan: 86_400,
    idleSessionLifespan: 3_600,
    algorithm: undefined,
    jwtOptions: upConfig.jwt,
  });
  const manager = sessionManager('users-permissions');

  test('a refresh token the manager issued verifies, before and after it is rotated', async () => {
    const issued = await manager.generateRefreshToken('42', 'device-1', { type: 'refresh' });
    expect(verifyRefreshToken(strapi, issued.token)).toEqual({ userId: '42', sessionId: issued.sessionId });
    const rotated = await manager.rotateRefreshToken(issued.token);
    expect(rotated.token).toEqual(expect.any(String));
    // The manager now refuses the old token (its row is rotated); the signature check still recognises it.
    expect(await manager.validateRefreshToken(issued.token)).toEqual({ isValid: false });
    expect(verifyRefreshToken(strapi, issued.token)).toEqual({ userId: '42', sessionId: issued.sessionId });
    expect(verifyRefreshToken(strapi, rotated.token)).toEqual({ userId: '42', sessionId: rotated.sessionId });
  });

  test('access tokens, other secrets, other algorithms, expired and malformed tokens do not verify', async () => {
    const issued = await manager.generateRefreshToken('42', 'device-2', { type: 'refresh' });
    const access = await manager.generateAccessToken(issued.token);
    expect(manager.validateAccessToken(access.token).isValid).toBe(true);
    expect(verifyRefreshToken(strapi, access.token)).toBeNull();
    const payload = { userId: '42', sessionId: issued.sessionId, type: 'refresh' };
    expect(verifyRefreshToken(strapi, jwt.sign(payload, 'another-secret'))).toBeNull();
    expect(verifyRefreshToken(strapi, jwt.sign(payload, secret, { algorithm: 'HS512' }))).toBeNull();
    expect(
      verifyRefreshToken(strapi, jwt.sign({ ...payload, exp: Math.floor(Date.now() / 1000) - 10 }, secret))
    ).toBeNull();
    expect(verifyRefreshToken(strapi, jwt.sign(payload, secret))).toEqual({
      userId: '42',
      sessionId: issued.sessionId,
    });
    for (const token of ['', 'not.a.jwt', `${issued.token}x`, 'x'.repeat(5_000)])
      expect(verifyRefreshToken(strapi, token)).toBeNull();
  });
});

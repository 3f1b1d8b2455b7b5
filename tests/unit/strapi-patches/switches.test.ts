import { rememberApiTokenMisses } from '../../../src/strapi-patches/api-token-lookup';
import { withRememberedPermissions } from '../../../src/strapi-patches/content-api-permissions';
import { toPostgres } from '../../../src/strapi-patches/postgres-prepared-statements';
import { isPatchOn, PATCH_NAMES, patchesOff, stockOf } from '../../../src/strapi-patches/switches';

const withPatchesOff = (value: string | undefined, run: () => void) => {
  const before = process.env.STRAPI_PATCHES_OFF;
  if (value === undefined) delete process.env.STRAPI_PATCHES_OFF;
  else process.env.STRAPI_PATCHES_OFF = value;
  try {
    run();
  } finally {
    if (before === undefined) delete process.env.STRAPI_PATCHES_OFF;
    else process.env.STRAPI_PATCHES_OFF = before;
  }
};

describe('STRAPI_PATCHES_OFF', () => {
  test('every patch is on unless named', () => {
    withPatchesOff(undefined, () => PATCH_NAMES.forEach((name) => expect(isPatchOn(name)).toBe(true)));
    withPatchesOff(' jwt-verify , api-token-lookup', () => {
      expect(isPatchOn('jwt-verify')).toBe(false);
      expect(isPatchOn('api-token-lookup')).toBe(false);
      expect(isPatchOn('body-middleware')).toBe(true);
    });
  });

  test('a name that is no patch is refused, so a typo cannot measure nothing', () => {
    expect(() => patchesOff('jwt-verfy')).toThrow(/names no patch: jwt-verfy/);
    withPatchesOff('jwt-verfy', () => expect(() => isPatchOn('jwt-verify')).toThrow(/names no patch: jwt-verfy/));
  });

  test('a change of the variable is seen at the next call, though the parsed list is kept between calls', () => {
    withPatchesOff('jwt-verify', () => expect(isPatchOn('jwt-verify')).toBe(false));
    withPatchesOff(undefined, () => expect(isPatchOn('jwt-verify')).toBe(true));
    withPatchesOff('jwt-verify', () => expect(isPatchOn('jwt-verify')).toBe(false));
    withPatchesOff('', () => expect(isPatchOn('jwt-verify')).toBe(true));
  });

  test('a patch switched off leaves the stock service as it ships', () => {
    const service = {
      findRolePermissions: async () => [],
      findPublicPermissions: async () => [],
      toContentAPIPermission: (permission: { action: string }) => ({ action: permission.action }),
    };
    withPatchesOff('content-api-permissions', () => expect(withRememberedPermissions(service)).toBe(service));
    const patched = withRememberedPermissions(service);
    expect(patched).not.toBe(service);
    expect(stockOf(patched.findPublicPermissions)).toBeDefined();

    const tokens = { getByAccessKey: async () => null, hash: (key: string) => `hash:${key}` };
    const { getByAccessKey, hash } = tokens;
    const strapi = { service: () => tokens } as any;
    withPatchesOff('api-token-lookup', () => rememberApiTokenMisses(strapi));
    expect(tokens.getByAccessKey).toBe(getByAccessKey);
    rememberApiTokenMisses(strapi);
    expect(stockOf(tokens.getByAccessKey)).toBeDefined();
    expect(tokens.getByAccessKey).not.toBe(getByAccessKey);
    expect(stockOf(tokens.hash)).toBeDefined();
    expect(tokens.hash('a')).toBe(hash('a'));
  });
});

describe('postgres-prepared-statements: the statement text sent to pg', () => {
  test('`??` becomes a quoted identifier (schema split), `?` becomes $n, values stay bound', () => {
    expect(toPostgres('SELECT ?? FROM ?? WHERE a = ? AND b = ?', ['x"y', 'lms.courses', 1, 'two'])).toEqual({
      text: 'SELECT "x""y" FROM "lms"."courses" WHERE a = $1 AND b = $2',
      values: [1, 'two'],
    });
  });

  test('bindings and placeholders must match', () => {
    expect(() => toPostgres('SELECT ?', [])).toThrow(/0 bindings for 1 placeholders/);
  });
});

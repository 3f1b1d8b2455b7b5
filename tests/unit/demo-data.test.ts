import { isDemoDataWanted } from '../../src/demo/seed';

test.each([
  [{ NODE_ENV: 'development' }, true],
  [{ NODE_ENV: undefined }, true],
  [{ NODE_ENV: 'production' }, false],
  [{ NODE_ENV: 'production', LYCEUM_DEMO_DATA: 'true' }, false],
  [{ NODE_ENV: 'development', LYCEUM_DEMO_DATA: 'false' }, false],
])('demo data for %j: %s', (env, expected) => {
  expect(isDemoDataWanted(env)).toBe(expected);
});

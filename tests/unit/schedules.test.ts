import type { Core } from '@strapi/strapi';
import { cadenceFrom, defineSchedule, ScheduleTicker, slotKey, slotStart } from '../../src/jobs/schedules';
import type { JobKind } from '../../src/jobs';
import { beginShutdown, isShuttingDown, shutdownTimeoutMs } from '../../src/operations/lifecycle';

const at = (iso: string) => new Date(iso).getTime();

describe('slotStart: the slot a moment falls in, the same on every instance', () => {
  test.each([
    [{ every: 1000 }, '2026-01-01T00:10:05.999Z', '2026-01-01T00:10:05.000Z'],
    [{ every: 1000 }, '2026-01-01T00:10:05.000Z', '2026-01-01T00:10:05.000Z'],
    [{ every: 60_000 }, '2026-01-01T00:10:59.999Z', '2026-01-01T00:10:00.000Z'],
    [{ cron: '*/10 * * * *' }, '2026-01-01T00:19:59.999Z', '2026-01-01T00:10:00.000Z'],
    [{ cron: '*/10 * * * *' }, '2026-01-01T00:20:00.000Z', '2026-01-01T00:20:00.000Z'],
    [{ cron: '*/10 * * * *' }, '2026-01-01T00:20:00.500Z', '2026-01-01T00:20:00.000Z'],
    [{ cron: '*/5 * * * * *' }, '2026-01-01T00:00:04.999Z', '2026-01-01T00:00:00.000Z'],
  ])('%j at %s → %s', (cadence, now, slot) => {
    expect(new Date(slotStart(cadence, at(now))).toISOString()).toBe(slot);
  });

  test('the key names the schedule and the slot start', () => {
    expect(slotKey('blog.publish', at('2026-01-01T00:01:00Z'))).toBe('blog.publish@2026-01-01T00:01:00.000Z');
  });
});

describe('cadenceFrom: a variable holds a period in ms or a cron expression', () => {
  test.each([
    [undefined, { cron: '* * * * *' }],
    ['', { cron: '* * * * *' }],
    ['1500', { every: 1500 }],
    ['*/10 * * * *', { cron: '*/10 * * * *' }],
  ])('%j → %j', (value, cadence) => {
    expect(cadenceFrom('X_CRON', value, { cron: '* * * * *' })).toEqual(cadence);
  });

  test.each(['every minute', '99', '* * *'])('refuses %j, naming the variable', (value) => {
    expect(() => cadenceFrom('X_CRON', value, { cron: '* * * * *' })).toThrow(/^X_CRON: /);
  });
});

describe('ScheduleTicker', () => {
  const kind = { type: 'test.ticked', run: async () => undefined } as JobKind<never>;
  const strapi = { log: { debug: () => undefined, warn: () => undefined } } as unknown as Core.Strapi;
  defineSchedule('test.ticked', { every: 1000 }, kind);

  test('enqueues once per slot, with the slot key and time, and again after a failed enqueue', async () => {
    let now = at('2026-01-01T00:00:00.200Z');
    const calls: string[] = [];
    let isDown = false;
    const ticker = new ScheduleTicker(
      strapi,
      async (_kind, run, key, runAt) => {
        if (isDown) throw new Error('database away');
        calls.push(`${key} ${run.slot} ${runAt.toISOString()}`);
        return 1;
      },
      () => now
    );
    await ticker.tick();
    now += 500;
    await ticker.tick();
    expect(calls).toEqual(['test.ticked@2026-01-01T00:00:00.000Z 2026-01-01T00:00:00.000Z 2026-01-01T00:00:00.000Z']);
    now += 500;
    isDown = true;
    await ticker.tick();
    isDown = false;
    await ticker.tick();
    expect(calls).toHaveLength(2);
    expect(calls[1]).toMatch(/^test\.ticked@2026-01-01T00:00:01\.000Z /);
  });

  test('a schedule name is defined once', () => {
    expect(() => defineSchedule('test.ticked', { every: 1000 }, kind)).toThrow(/defined twice/);
  });
});

describe('lifecycle', () => {
  test('shutdown begins once and stays', () => {
    expect(isShuttingDown()).toBe(false);
    beginShutdown();
    beginShutdown();
    expect(isShuttingDown()).toBe(true);
  });

  test('SHUTDOWN_TIMEOUT_MS: 25 s by default, a whole number of ms otherwise', () => {
    expect(shutdownTimeoutMs({})).toBe(25_000);
    expect(shutdownTimeoutMs({ SHUTDOWN_TIMEOUT_MS: '1000' })).toBe(1000);
    expect(() => shutdownTimeoutMs({ SHUTDOWN_TIMEOUT_MS: 'soon' })).toThrow(/SHUTDOWN_TIMEOUT_MS/);
  });
});

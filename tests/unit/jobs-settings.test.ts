import { afterFailure, jobSettings, retryDelayMs } from '../../src/jobs/settings';

describe('retry backoff', () => {
  const settings = { backoffBaseMs: 1_000, backoffMaxMs: 10_000 };
  test.each([
    [1, 1_000],
    [2, 2_000],
    [3, 4_000],
    [4, 8_000],
    [5, 10_000],
    [60, 10_000],
  ])('after %i failed attempts the next waits %i ms', (attempts, delay) => {
    expect(retryDelayMs(attempts, settings)).toBe(delay);
  });

  test('a failure before the last attempt is retried later; the last one leaves the job dead', () => {
    expect(afterFailure(1, 3, 5_000, settings)).toEqual({ status: 'pending', runAt: 6_000 });
    expect(afterFailure(2, 3, 5_000, settings)).toEqual({ status: 'pending', runAt: 7_000 });
    expect(afterFailure(3, 3, 5_000, settings)).toEqual({ status: 'dead' });
    expect(afterFailure(4, 3, 5_000, settings)).toEqual({ status: 'dead' });
  });
});

describe('JOBS_* settings', () => {
  test('defaults: a worker polling every second, 8 attempts, 5 s doubling to an hour, done jobs kept a week', () => {
    expect(jobSettings({})).toEqual({
      driver: 'database',
      redisUrl: null,
      isWorker: true,
      pollMs: 1_000,
      leaseMs: 300_000,
      maxAttempts: 8,
      backoffBaseMs: 5_000,
      backoffMaxMs: 3_600_000,
      concurrency: 4,
      keepDoneMs: 7 * 24 * 3_600_000,
    });
  });

  test.each(['false', 'FALSE', '0', 'no', 'off'])('JOBS_WORKER=%s makes a web-only instance', (value) => {
    expect(jobSettings({ JOBS_WORKER: value }).isWorker).toBe(false);
  });

  test('the driver: bullmq when REDIS_URL is set, database otherwise, or the one JOBS_DRIVER names', () => {
    const redis = 'redis://127.0.0.1:6379';
    expect(jobSettings({ REDIS_URL: redis })).toMatchObject({ driver: 'bullmq', redisUrl: redis });
    expect(jobSettings({ REDIS_URL: ' ' }).driver).toBe('database');
    expect(jobSettings({ REDIS_URL: redis, JOBS_DRIVER: 'database' }).driver).toBe('database');
    expect(jobSettings({ REDIS_URL: redis, JOBS_DRIVER: 'BullMQ' }).driver).toBe('bullmq');
    expect(() => jobSettings({ JOBS_DRIVER: 'bullmq' })).toThrow('JOBS_DRIVER: bullmq needs REDIS_URL');
    expect(() => jobSettings({ JOBS_DRIVER: 'kafka' })).toThrow('JOBS_DRIVER');
  });

  test('a cap below the base is raised to it', () => {
    expect(jobSettings({ JOBS_BACKOFF_BASE_MS: '500', JOBS_BACKOFF_MAX_MS: '100' }).backoffMaxMs).toBe(500);
  });

  test.each([
    ['JOBS_POLL_MS', 'soon'],
    ['JOBS_POLL_MS', '5'],
    ['JOBS_MAX_ATTEMPTS', '0'],
    ['JOBS_LEASE_MS', '1.5'],
    ['JOBS_CONCURRENCY', '-1'],
  ])('%s=%s stops start-up with a message naming it', (name, value) => {
    expect(() => jobSettings({ [name]: value })).toThrow(name);
  });
});

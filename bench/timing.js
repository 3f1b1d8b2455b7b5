'use strict';
// What every bench row made of measured times shares: the percentiles, and the row of a scenario timed one
// operation at a time (waitlist promotion, data export) rather than through autocannon.

/** A percentile of the times seen, to a tenth of a millisecond; null when none were. */
function percentile(times, value) {
  if (!times.length) return null;
  const sorted = [...times].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((value / 100) * sorted.length) - 1)] * 10) / 10;
}

/** The result row of a scenario timed one operation at a time (ms each), in the shape autocannon rows have. */
function timedRow({ name, title, durations, unexpected }) {
  const at = (value) => percentile(durations, value) ?? 0;
  return {
    name,
    title,
    connections: 1,
    requests: durations.length,
    latency: { p50: at(50), p95: at(95), p99: at(99) },
    non2xx: unexpected,
    errors: 0,
    statuses: {},
    unexpected,
  };
}

module.exports = { percentile, timedRow };

'use strict';
const { timedRow } = require('./timing');
// The "waitlist promotion" row: in a full course keeping a waitlist (offer mode), a student cancels, and the first in
// line is offered the seat. Measured from the moment the cancellation is sent until the offer is sent: the entry is
// `offered` and both jobs the promotion recorded for it (the in-app notice and the mail, keyed
// `waitlist-offer:<entry>`) are done. One cancellation at a time, so each figure is one promotion on a quiet server.

const POLL_MS = 2;
const ROUND_LIMIT_MS = 30_000;

/**
 * @param {object} bench { request(method, path, body, token), withDatabase(run), students: [{ token }], teacher: token,
 *   rounds, log }
 */
async function measureWaitlistPromotion({ request, withDatabase, students, teacher, rounds, log }) {
  const count = Math.min(rounds, Math.floor(students.length / 2));
  if (count < 1) throw new Error('waitlist promotion: not enough signed-in students');
  const members = students.slice(0, count);
  const waiting = students.slice(count, 2 * count);
  const created = await request(
    'POST',
    '/api/courses',
    {
      data: {
        title: `Waitlist bench ${Date.now()}`,
        summary: 'A full course with a waitlist',
        capacity: count,
        waitlist: true,
        waitlistMode: 'offer',
      },
    },
    teacher
  );
  if (created.status !== 200 && created.status !== 201)
    throw new Error(`creating the waitlist course answered ${created.status}: ${JSON.stringify(created.body)}`);
  const course = created.body.data.documentId;
  for (const member of members) {
    const enrolled = await request('POST', `/api/courses/${course}/enrollments`, {}, member.token);
    if (enrolled.status !== 201) throw new Error(`enrolling a member answered ${enrolled.status}`);
  }
  for (const student of waiting) {
    const joined = await request('POST', `/api/courses/${course}/waitlist`, {}, student.token);
    if (joined.status !== 201)
      throw new Error(`joining the waitlist answered ${joined.status}: ${JSON.stringify(joined.body)}`);
  }

  const durations = [];
  let unexpected = 0;
  await withDatabase(async (client) => {
    for (const member of members) {
      const { rows } = await client.query(
        `SELECT id FROM waitlist_entries WHERE course_document_id = $1 AND status = 'waiting' ORDER BY queue_order, id LIMIT 1`,
        [course]
      );
      const key = `waitlist-offer:${rows[0].id}`;
      const started = process.hrtime.bigint();
      const cancelled = await request('DELETE', `/api/courses/${course}/enrollments/me`, undefined, member.token);
      if (cancelled.status !== 200) unexpected += 1;
      for (;;) {
        const { rows: jobs } = await client.query(
          `SELECT count(*)::int AS done FROM lyceum_jobs WHERE "key" = $1 AND status = 'done'`,
          [key]
        );
        if (jobs[0].done >= 2) break;
        if (Number(process.hrtime.bigint() - started) / 1e6 > ROUND_LIMIT_MS)
          throw new Error(`no offer sent ${ROUND_LIMIT_MS} ms after a cancellation (${key})`);
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
      durations.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  });
  log(`  waitlist-promotion: ${durations.map((ms) => ms.toFixed(1)).join(', ')} ms`);
  return timedRow({
    name: 'waitlist-promotion',
    title: 'waitlist promotion: cancel → offer sent (notice and mail jobs done), one at a time',
    durations,
    unexpected,
  });
}

module.exports = { measureWaitlistPromotion };

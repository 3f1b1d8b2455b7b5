'use strict';
const { timedRow } = require('./timing');
// The "data export" row (issue #27: export of a user with 1,000 records, in seconds): a bench student is given
// notifications until everything stored about them comes to at least 1,000 records (their enrollments, lesson
// progress, attempts and reviews from the seed count too), then asks for their export (`POST /me/data-export`); timed
// until `GET /me/data-export/:id` says `ready`, and the zip is downloaded once to check it. One export at a time, each
// by another student, so each figure is one export on a quiet server.

const POLL_MS = 20;
const EXPORT_LIMIT_MS = 120_000;
const RECORDS = 1000;

/** How many rows about this user the seed left, in the tables the export reads most of. */
async function recordsOf(client, userId) {
  const count = async (sql) => (await client.query(sql, [userId])).rows[0].n;
  return (
    (await count('SELECT count(*)::int AS n FROM enrollments_user_lnk WHERE user_id = $1')) +
    (await count('SELECT count(*)::int AS n FROM lesson_progresses_user_lnk WHERE user_id = $1')) +
    (await count('SELECT count(*)::int AS n FROM quiz_attempts_user_lnk WHERE user_id = $1')) +
    (await count('SELECT count(*)::int AS n FROM reviews_author_lnk WHERE user_id = $1')) +
    (await count('SELECT count(*)::int AS n FROM notifications_user_lnk WHERE user_id = $1'))
  );
}

/**
 * @param {object} bench { request(method, path, body, token), withDatabase(run), students: [{ email, token }], rounds,
 *   baseUrl (the server's), log }
 */
async function measureDataExport({ request, withDatabase, students, rounds, baseUrl, log }) {
  // The last students of the rotation: the other rows have written to the first ones.
  const chosen = students.slice(-Math.min(rounds, students.length));
  const durations = [];
  const sizes = [];
  let unexpected = 0;
  for (const student of chosen) {
    const records = await withDatabase(async (client) => {
      const { rows } = await client.query('SELECT id FROM up_users WHERE email = $1', [student.email]);
      const userId = rows[0].id;
      const missing = Math.max(0, RECORDS - (await recordsOf(client, userId)));
      if (missing > 0) {
        await client.query(
          `WITH made AS (
             INSERT INTO notifications (document_id, type, title, body, link, created_at, updated_at, published_at)
             SELECT 'benchexport' || $3::text || 'x' || n, 'announcement', 'Bench notice ' || n,
                    'A notice the bench gave this student so that their export holds enough records.', NULL,
                    now(), now(), now()
             FROM generate_series(1, $2::int) AS n RETURNING id)
           INSERT INTO notifications_user_lnk (notification_id, user_id) SELECT id, $1::int FROM made`,
          [userId, missing, String(userId)]
        );
      }
      return recordsOf(client, userId);
    });
    const started = performance.now();
    const asked = await request('POST', '/api/me/data-export', {}, student.token);
    if (asked.status !== 202) {
      unexpected += 1;
      continue;
    }
    const id = asked.body.data.id;
    let status = asked.body.data.status;
    let answer = asked.body.data;
    while (status === 'pending' && performance.now() - started < EXPORT_LIMIT_MS) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      const read = await request('GET', `/api/me/data-export/${id}`, undefined, student.token);
      answer = read.body?.data ?? {};
      status = answer.status;
    }
    if (status !== 'ready') {
      unexpected += 1;
      continue;
    }
    durations.push(performance.now() - started);
    const zip = await fetch(`${baseUrl}${new URL(answer.downloadUrl, 'http://localhost').pathname}`, {
      headers: { authorization: `Bearer ${student.token}` },
    }).catch(() => null);
    if (!zip || zip.status !== 200) unexpected += 1;
    else sizes.push({ records, bytes: (await zip.arrayBuffer()).byteLength });
  }
  log(
    `  data-export: ${durations.map((ms) => (ms / 1000).toFixed(2)).join(', ')} s; records ${sizes
      .map((size) => size.records)
      .join(', ')}; zip ${sizes.map((size) => Math.round(size.bytes / 1024)).join(', ')} KB`
  );
  return timedRow({
    name: 'data-export',
    title: `data export of a student with ≥ ${RECORDS.toLocaleString('en')} records: POST → ready, one at a time (ms)`,
    durations,
    unexpected,
  });
}

module.exports = { measureDataExport };

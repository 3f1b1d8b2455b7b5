import type { Core } from '@strapi/strapi';
import { isPostgres, runSql, type SqlStatement } from '../access/raw-sql';
import { ownTableOf } from '../database/tables';

/**
 * The statements on the outbox table (database/migrations/lib/jobs-table.js). Every one runs through runSql, so
 * `recordJob` joins the caller's transaction when there is one; the runner's own statements run outside any.
 */
export const JOBS_TABLE = 'lyceum_jobs';

export type JobStatus = 'pending' | 'running' | 'done' | 'dead';
export const JOB_STATUSES: readonly JobStatus[] = ['pending', 'running', 'done', 'dead'];

/** A claimed job, as the runner needs it. */
export interface ClaimedJob {
  id: number;
  type: string;
  payload: string;
  attempts: number;
  maxAttempts: number;
}

/** A job as the admin routes show it. */
export interface JobRecord {
  id: number;
  type: string;
  key: string | null;
  status: JobStatus;
  payload: unknown;
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
  runAt: string;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

const table = (strapi: Core.Strapi) => ownTableOf(strapi, JOBS_TABLE);
// bigint comes back from PostgreSQL as text.
const toNumber = (value: unknown): number => Number(value);
const toIso = (value: unknown): string => new Date(toNumber(value)).toISOString();
const toIsoOrNull = (value: unknown): string | null => (value === null || value === undefined ? null : toIso(value));

/**
 * Adds a job unless one of its type has its key: the new row's id, or the existing one's (a job enqueued twice
 * is one job).
 */
export async function recordJob(
  strapi: Core.Strapi,
  job: { type: string; payload: string; key: string | null; maxAttempts: number; runAt: number; now: number }
): Promise<number> {
  const inserted = await runSql<{ id: unknown }>(
    strapi,
    `INSERT INTO ?? (type, payload, "key", status, attempts, max_attempts, run_at, created_at, updated_at)
     VALUES (?, ?, ?, 'pending', 0, ?, ?, ?, ?) ON CONFLICT (type, "key") DO NOTHING RETURNING id`,
    [table(strapi), job.type, job.payload, job.key, job.maxAttempts, job.runAt, job.now, job.now]
  );
  if (inserted.rows[0]) return toNumber(inserted.rows[0].id);
  return keyedJobId(strapi, job.type, job.key);
}

/** The id of the job of a type with a key (one that exists: an insert just found it there). */
export async function keyedJobId(strapi: Core.Strapi, type: string, key: string | null): Promise<number> {
  const existing = await runSql<{ id: unknown }>(strapi, 'SELECT id FROM ?? WHERE type = ? AND "key" = ?', [
    table(strapi),
    type,
    key,
  ]);
  return toNumber(existing.rows[0].id);
}

/**
 * PostgreSQL only: the INSERT that records a job (no key) once per row of a common table expression, for a write
 * that is one statement (an enrollment: seat, row, links and its confirmation job in one round trip, no
 * transaction). The caller appends `FROM <its CTE>`; the job exists only if that CTE produced a row.
 */
export function jobInsertPerRow(
  strapi: Core.Strapi,
  job: { type: string; payload: string; maxAttempts: number; runAt: number; now: number }
): SqlStatement {
  return {
    sql: `INSERT INTO ?? (type, payload, "key", status, attempts, max_attempts, run_at, created_at, updated_at)
     SELECT CAST(? AS varchar), CAST(? AS text), NULL, 'pending', 0, CAST(? AS integer), CAST(? AS bigint), CAST(? AS bigint), CAST(? AS bigint)`,
    bindings: [table(strapi), job.type, job.payload, job.maxAttempts, job.runAt, job.now, job.now],
  };
}

/**
 * PostgreSQL only: the INSERT that records one keyed job per row of the common table expression `from`, unless a job
 * of its type has that key already (a burst's digest: the first like of a window records it, later ones nothing).
 * `payload` and `key` are SQL expressions over `from`'s columns (with their own values), for a write whose ids are
 * known only inside the statement.
 */
export function keyedJobInsertFrom(
  strapi: Core.Strapi,
  job: {
    type: string;
    payload: SqlStatement;
    key: SqlStatement;
    maxAttempts: number;
    runAt: number;
    now: number;
    /**
     * Written already claimed (`running`, first attempt) by this worker until `until`, for the request that delivers
     * it itself: no claim of anyone else's takes it before that lease runs out (a process that dies first).
     */
    heldBy?: { workerId: string; until: number };
  },
  from: string
): SqlStatement {
  return {
    sql: `INSERT INTO ?? (type, payload, "key", status, attempts, max_attempts, run_at, locked_by, locked_until, created_at, updated_at)
     SELECT CAST(? AS varchar), ${job.payload.sql}, ${job.key.sql}, CAST(? AS varchar), CAST(? AS integer), CAST(? AS integer), CAST(? AS bigint),
       CAST(? AS varchar), CAST(? AS bigint), CAST(? AS bigint), CAST(? AS bigint)
     FROM ${from} ON CONFLICT (type, "key") DO NOTHING`,
    bindings: [
      table(strapi),
      job.type,
      ...job.payload.bindings,
      ...job.key.bindings,
      job.heldBy ? 'running' : 'pending',
      job.heldBy ? 1 : 0,
      job.maxAttempts,
      job.runAt,
      job.heldBy?.workerId ?? null,
      job.heldBy?.until ?? null,
      job.now,
      job.now,
    ],
  };
}

/**
 * Claims up to `limit` due jobs (or the one job `onlyId`) for this worker: pending ones whose time has come, and
 * running ones whose lease ran out (their worker died). One conditional UPDATE, so two workers never hold one job
 * at once: PostgreSQL skips rows another claim has locked, SQLite runs one write at a time.
 */
export async function claimJobs(
  strapi: Core.Strapi,
  claim: { workerId: string; now: number; leaseMs: number; limit: number; onlyId?: number }
): Promise<ClaimedJob[]> {
  const due = `((status = 'pending' AND run_at <= ?) OR (status = 'running' AND locked_until < ?))`;
  const onlyOne = claim.onlyId === undefined ? '' : ' AND id = ?';
  const only = claim.onlyId === undefined ? [] : [claim.onlyId];
  const lock = isPostgres(strapi) ? ' FOR UPDATE SKIP LOCKED' : '';
  const { rows } = await runSql<{
    id: unknown;
    type: string;
    payload: string;
    attempts: unknown;
    max_attempts: unknown;
  }>(
    strapi,
    `UPDATE ?? SET status = 'running', attempts = attempts + 1, locked_by = ?, locked_until = ?, updated_at = ?
     WHERE id IN (SELECT id FROM ?? WHERE ${due}${onlyOne} ORDER BY run_at, id LIMIT ?${lock}) AND ${due}
     RETURNING id, type, payload, attempts, max_attempts`,
    [
      table(strapi),
      claim.workerId,
      claim.now + claim.leaseMs,
      claim.now,
      table(strapi),
      claim.now,
      claim.now,
      ...only,
      claim.limit,
      claim.now,
      claim.now,
    ]
  );
  return rows.map((row) => ({
    id: toNumber(row.id),
    type: row.type,
    payload: row.payload,
    attempts: toNumber(row.attempts),
    maxAttempts: toNumber(row.max_attempts),
  }));
}

/**
 * The ids of jobs a worker could claim now (the claim's condition, read only): what the BullMQ relay hands to the
 * queue. The claim itself still decides who runs a job.
 */
export async function dueJobIds(strapi: Core.Strapi, now: number, limit: number): Promise<number[]> {
  const { rows } = await runSql<{ id: unknown }>(
    strapi,
    `SELECT id FROM ?? WHERE (status = 'pending' AND run_at <= ?) OR (status = 'running' AND locked_until < ?)
     ORDER BY run_at, id LIMIT ?`,
    [table(strapi), now, now, limit]
  );
  return rows.map((row) => toNumber(row.id));
}

/** How many jobs the outbox holds in each status, and how many pending ones are due (waiting for a runner now). */
export async function countJobs(
  strapi: Core.Strapi,
  now: number
): Promise<{ byStatus: Record<JobStatus, number>; due: number }> {
  const { rows } = await runSql<{ status: string; total: unknown; due: unknown }>(
    strapi,
    `SELECT status, COUNT(*) AS total, SUM(CASE WHEN status = 'pending' AND run_at <= ? THEN 1 ELSE 0 END) AS due
     FROM ?? GROUP BY status`,
    [now, table(strapi)]
  );
  const byStatus = Object.fromEntries(JOB_STATUSES.map((status) => [status, 0])) as Record<JobStatus, number>;
  let due = 0;
  for (const row of rows) {
    if ((JOB_STATUSES as readonly string[]).includes(row.status))
      byStatus[row.status as JobStatus] = toNumber(row.total);
    due += toNumber(row.due ?? 0);
  }
  return { byStatus, due };
}

/** A job that ran to the end. */
export async function markDone(strapi: Core.Strapi, id: number, now: number): Promise<void> {
  const done = doneStatement(strapi, id, now);
  await runSql(strapi, done.sql, done.bindings);
}

/**
 * The UPDATE that marks a running job done, for markDone or for a delivery's own last write to carry (a CTE). Its
 * WHERE clause ends it, so that write may append `AND <condition>` (done only with its own change).
 */
export function doneStatement(strapi: Core.Strapi, id: number, now: number): SqlStatement {
  return {
    sql: `UPDATE ?? SET status = 'done', locked_by = NULL, locked_until = NULL, finished_at = CAST(? AS bigint),
     updated_at = CAST(? AS bigint) WHERE id = ? AND status = 'running'`,
    bindings: [table(strapi), now, now, id],
  };
}

/**
 * A failed attempt: back to pending for a later try, or dead. Only while this worker still holds the job: one whose
 * lease ran out belongs to whoever claimed it since.
 */
export async function markFailed(
  strapi: Core.Strapi,
  failure: {
    id: number;
    workerId: string;
    error: string;
    now: number;
    next: { status: 'pending'; runAt: number } | { status: 'dead' };
  }
): Promise<void> {
  const error = failure.error.slice(0, 2000);
  if (failure.next.status === 'dead') {
    await runSql(
      strapi,
      `UPDATE ?? SET status = 'dead', last_error = ?, locked_by = NULL, locked_until = NULL, finished_at = ?,
       updated_at = ? WHERE id = ? AND status = 'running' AND locked_by = ?`,
      [table(strapi), error, failure.now, failure.now, failure.id, failure.workerId]
    );
    return;
  }
  await runSql(
    strapi,
    `UPDATE ?? SET status = 'pending', last_error = ?, run_at = ?, locked_by = NULL, locked_until = NULL,
     updated_at = ? WHERE id = ? AND status = 'running' AND locked_by = ?`,
    [table(strapi), error, failure.next.runAt, failure.now, failure.id, failure.workerId]
  );
}

/** Deletes done jobs finished before `before`; dead ones stay for an admin to see. */
export async function deleteDoneBefore(strapi: Core.Strapi, before: number): Promise<number> {
  const { count } = await runSql(strapi, `DELETE FROM ?? WHERE status = 'done' AND finished_at < ?`, [
    table(strapi),
    before,
  ]);
  return count;
}

interface JobRow {
  id: unknown;
  type: string;
  key: string | null;
  status: JobStatus;
  payload: string;
  attempts: unknown;
  max_attempts: unknown;
  last_error: string | null;
  run_at: unknown;
  created_at: unknown;
  updated_at: unknown;
  finished_at: unknown;
}

function parsedPayload(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

const recordOf = (row: JobRow): JobRecord => ({
  id: toNumber(row.id),
  type: row.type,
  key: row.key,
  status: row.status,
  payload: parsedPayload(row.payload),
  attempts: toNumber(row.attempts),
  maxAttempts: toNumber(row.max_attempts),
  lastError: row.last_error,
  runAt: toIso(row.run_at),
  createdAt: toIso(row.created_at),
  updatedAt: toIso(row.updated_at),
  finishedAt: toIsoOrNull(row.finished_at),
});

const COLUMNS =
  'id, type, "key", status, payload, attempts, max_attempts, last_error, run_at, created_at, updated_at, finished_at';

/** One page of jobs, newest first, of one status or all. */
export async function listJobs(
  strapi: Core.Strapi,
  filter: { status: JobStatus | null; page: number; pageSize: number }
): Promise<{ jobs: JobRecord[]; total: number }> {
  const where = filter.status ? 'WHERE status = ?' : '';
  const statusBinding = filter.status ? [filter.status] : [];
  const [rows, total] = await Promise.all([
    runSql<JobRow>(strapi, `SELECT ${COLUMNS} FROM ?? ${where} ORDER BY id DESC LIMIT ? OFFSET ?`, [
      table(strapi),
      ...statusBinding,
      filter.pageSize,
      (filter.page - 1) * filter.pageSize,
    ]),
    runSql<{ total: unknown }>(strapi, `SELECT COUNT(*) AS total FROM ?? ${where}`, [table(strapi), ...statusBinding]),
  ]);
  return { jobs: rows.rows.map(recordOf), total: toNumber(total.rows[0].total) };
}

export async function findJob(strapi: Core.Strapi, id: number): Promise<JobRecord | null> {
  const { rows } = await runSql<JobRow>(strapi, `SELECT ${COLUMNS} FROM ?? WHERE id = ?`, [table(strapi), id]);
  return rows[0] ? recordOf(rows[0]) : null;
}

/** A dead job back to pending with its attempts reset: true, or false when it is not dead (or unknown). */
export async function reviveDeadJob(strapi: Core.Strapi, id: number, now: number): Promise<boolean> {
  const { rows } = await runSql<{ id: unknown }>(
    strapi,
    `UPDATE ?? SET status = 'pending', attempts = 0, run_at = ?, finished_at = NULL, updated_at = ?
     WHERE id = ? AND status = 'dead' RETURNING id`,
    [table(strapi), now, now, id]
  );
  return rows.length === 1;
}

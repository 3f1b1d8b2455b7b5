import { promises as fs } from 'fs';
import path from 'path';
import type { Core } from '@strapi/strapi';
import { createId } from '@paralleldrive/cuid2';
import { zipSync, type Zippable } from 'fflate';
import { runSql } from '../access/raw-sql';
import type { Caller } from '../access/roles';
import { auditEntity, recordAuditEvent } from '../audit';
import { ownTableLocation, ownTableOf } from '../database/tables';
import { conflict, notFound } from '../errors/refusal';
import { cadenceFrom, defineJob, defineSchedule, enqueue, type ScheduledRun } from '../jobs';
import { collectPersonalData } from './personal-data';

/**
 * Data exports (contract, "Trust and privacy"): `POST /me/data-export` records an export and its build job in one
 * transaction and answers 202; the job (`privacy.build-export`, durable, retried) collects everything stored about the
 * user (personal-data.ts) into a zip of JSON files plus their uploads, kept in the export's row. The owner downloads
 * it for 7 days; the schedule `privacy.expire-exports` then drops the zip. Only the owner ever reads an export: any
 * other caller gets 404, staff included (staff may start one for a user, who then downloads it).
 */
export const DATA_EXPORTS_TABLE = 'lyceum_data_exports';
export const EXPORT_LIFETIME_MS = 7 * 24 * 3_600_000;
const BUILD_ATTEMPTS = 3;

export type ExportStatus = 'pending' | 'ready' | 'failed' | 'expired';

export interface DataExportView {
  id: string;
  status: ExportStatus;
  createdAt: string;
  expiresAt?: string;
  size?: number;
  downloadUrl?: string;
}

interface ExportRow {
  id: unknown;
  public_id: string;
  user_id: unknown;
  status: ExportStatus;
  attempts: unknown;
  size: unknown;
  created_at: unknown;
  expires_at: unknown;
}

const table = (strapi: Core.Strapi) => ownTableOf(strapi, DATA_EXPORTS_TABLE);
const iso = (value: unknown) => new Date(Number(value)).toISOString();
export const downloadPathOf = (id: string) => `/api/me/data-export/${id}/download`;

/** Expired once its time is past, even before the schedule has swept it. */
const statusAt = (row: ExportRow, now: number): ExportStatus =>
  row.status === 'ready' && row.expires_at !== null && Number(row.expires_at) <= now ? 'expired' : row.status;

function present(row: ExportRow, now: number): DataExportView {
  const status = statusAt(row, now);
  return {
    id: row.public_id,
    status,
    createdAt: iso(row.created_at),
    ...(status === 'ready'
      ? { expiresAt: iso(row.expires_at), size: Number(row.size), downloadUrl: downloadPathOf(row.public_id) }
      : {}),
  };
}

const buildExport = defineJob<{ exportId: number }>('privacy.build-export', async (strapi, { exportId }) => {
  const { rows } = await runSql<ExportRow>(strapi, 'SELECT * FROM ?? WHERE id = ?', [table(strapi), exportId]);
  const row = rows[0];
  // Built already (a retried delivery), or the user was erased meanwhile (the row went with them).
  if (!row || row.status !== 'pending') return;
  try {
    const archive = await buildArchive(strapi, Number(row.user_id));
    const now = Date.now();
    await runSql(
      strapi,
      `UPDATE ?? SET status = 'ready', archive = ?, size = ?, ready_at = ?, expires_at = ?, last_error = NULL
       WHERE id = ? AND status = 'pending'`,
      [table(strapi), Buffer.from(archive), archive.byteLength, now, now + EXPORT_LIFETIME_MS, exportId]
    );
  } catch (error) {
    const attempts = Number(row.attempts) + 1;
    await runSql(strapi, 'UPDATE ?? SET attempts = ?, last_error = ?, status = ? WHERE id = ? AND status = ?', [
      table(strapi),
      attempts,
      String((error as Error).message).slice(0, 2000),
      attempts >= BUILD_ATTEMPTS ? 'failed' : 'pending',
      exportId,
      'pending',
    ]);
    // Retried by the runner with backoff until the export is failed.
    if (attempts < BUILD_ATTEMPTS) throw error;
  }
});

/** The zip: one JSON file per kind of record, `uploads/` with the files, `README.txt` saying what is where. */
export async function buildArchive(strapi: Core.Strapi, userId: number): Promise<Uint8Array> {
  const { documents, files } = await collectPersonalData(strapi, userId);
  const entries: Zippable = {};
  const encoder = new TextEncoder();
  for (const [name, content] of Object.entries(documents))
    entries[name] = encoder.encode(JSON.stringify(content, null, 2));
  const missing: Array<{ id: number; name: string; problem: string }> = [];
  const uploads: Record<string, Uint8Array> = {};
  for (const file of files) {
    try {
      uploads[`${file.id}-${safeFileName(file.name)}`] = await readStoredFile(strapi, file.url);
    } catch (error) {
      missing.push({ id: file.id, name: file.name, problem: (error as Error).message });
    }
  }
  if (Object.keys(uploads).length) entries.uploads = uploads;
  if (missing.length) entries['uploads-missing.json'] = encoder.encode(JSON.stringify(missing, null, 2));
  entries['README.txt'] = encoder.encode(
    [
      'Everything Lyceum stores about you, as of ' + new Date().toISOString() + '.',
      'profile.json: your account; <kind>.json: your records of each kind (enrollments, progress, quiz attempts with',
      'your answers, submissions and grades, certificates, reviews, comments, messages, notifications, orders…);',
      'post*.json and follow.json: your posts (drafts too), post comments, likes, reports, quiz-post attempts, and who',
      'you follow and who follows you (their public profile only);',
      'sessions.json: your sign-in sessions; uploads/: the files you uploaded.',
    ].join('\n')
  );
  return zipSync(entries, { level: 6 });
}

const safeFileName = (name: string) => name.replace(/[^\w.\- ]+/g, '_').slice(0, 120) || 'file';

/** A stored file's bytes: from public/ for the local provider, over HTTP for a bucket. */
async function readStoredFile(strapi: Core.Strapi, url: string): Promise<Uint8Array> {
  if (/^https?:\/\//i.test(url)) {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`storage answered ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  }
  const publicDir = path.resolve(strapi.dirs.static.public);
  const full = path.resolve(publicDir, `.${url.split('?')[0]}`);
  if (!full.startsWith(publicDir + path.sep)) throw new Error('not a stored file');
  return fs.readFile(full);
}

/**
 * Starts an export of `userId`'s data; a pending one is answered again instead of a second (a double click, a
 * retried request). Staff starting one for a user is an audit event, committed with the export.
 */
export async function requestDataExport(
  strapi: Core.Strapi,
  userId: number,
  requestedBy: Caller,
  now = new Date()
): Promise<DataExportView> {
  const created = await strapi.db.transaction(async () => {
    const { rows: pending } = await runSql<ExportRow>(
      strapi,
      `SELECT * FROM ?? WHERE user_id = ? AND status = 'pending' ORDER BY id DESC LIMIT 1`,
      [table(strapi), userId]
    );
    if (pending[0]) return pending[0];
    const { rows } = await runSql<ExportRow>(
      strapi,
      `INSERT INTO ?? (public_id, user_id, requested_by, status, attempts, created_at) VALUES (?, ?, ?, 'pending', 0, ?)
       RETURNING *`,
      [table(strapi), createId(), userId, requestedBy.userId, now.getTime()]
    );
    const row = rows[0];
    await enqueue(strapi, buildExport, { exportId: Number(row.id) }, { key: row.public_id });
    if (requestedBy.userId !== userId)
      await recordAuditEvent(strapi, {
        action: 'user.exported',
        actor: requestedBy,
        entity: auditEntity('user', userId),
        after: { export: row.public_id },
        at: now,
      });
    return row;
  });
  return present(created, now.getTime());
}

async function ownExport(strapi: Core.Strapi, userId: number, publicId: string): Promise<ExportRow> {
  const { rows } = await runSql<ExportRow>(
    strapi,
    'SELECT id, public_id, user_id, status, attempts, size, created_at, expires_at FROM ?? WHERE public_id = ?',
    [table(strapi), publicId]
  );
  // Another user's export is not found, like one that does not exist.
  if (!rows[0] || Number(rows[0].user_id) !== userId) throw notFound('No data export of yours has this id');
  return rows[0];
}

/** GET /me/data-export/:id */
export async function findDataExport(strapi: Core.Strapi, userId: number, publicId: string, now = new Date()) {
  return present(await ownExport(strapi, userId, publicId), now.getTime());
}

/** GET /me/data-export/:id/download: the zip while it is ready (409 before, 404 once expired). */
export async function dataExportArchive(
  strapi: Core.Strapi,
  userId: number,
  publicId: string,
  now = new Date()
): Promise<Buffer> {
  const row = await ownExport(strapi, userId, publicId);
  const status = statusAt(row, now.getTime());
  if (status === 'expired') throw notFound('This data export has expired: ask for a new one', 'export_expired');
  if (status !== 'ready') throw conflict(`This data export is ${status}`, 'export_not_ready');
  const { rows } = await runSql<{ archive: Buffer | Uint8Array }>(strapi, 'SELECT archive FROM ?? WHERE id = ?', [
    table(strapi),
    row.id,
  ]);
  return Buffer.from(rows[0].archive);
}

/** Drops the zips whose 7 days are over; their rows stay as `expired`. Idempotent. */
export async function expireDataExports(strapi: Core.Strapi, now = new Date()): Promise<number> {
  const { count } = await runSql(
    strapi,
    `UPDATE ?? SET status = 'expired', archive = NULL WHERE status = 'ready' AND expires_at <= ?`,
    [table(strapi), now.getTime()]
  );
  return count;
}

/** Every export of a user, with its zip: gone with their erasure (in its transaction). */
export async function deleteDataExportsOf(strapi: Core.Strapi, userId: number): Promise<void> {
  await runSql(strapi, 'DELETE FROM ?? WHERE user_id = ?', [table(strapi), userId]);
}

export const expireDataExportsJob = defineJob<ScheduledRun>('privacy.expire-exports', async (strapi) => {
  const expired = await expireDataExports(strapi);
  if (expired > 0) strapi.log.info(`privacy: ${expired} data export(s) expired`);
});

/** Hourly by default (`DATA_EXPORT_EXPIRY_CRON`): an export lives 7 days, and reads past its end already say expired. */
export function scheduleDataExportExpiry(): void {
  defineSchedule(
    'privacy.expire-exports',
    cadenceFrom('DATA_EXPORT_EXPIRY_CRON', process.env.DATA_EXPORT_EXPIRY_CRON, { cron: '17 * * * *' }),
    expireDataExportsJob
  );
}

/** At start-up: makes sure of the exports table (the migration creates it too). */
export async function ensureDataExportsTable(strapi: Core.Strapi): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createDataExportsTable } = require(
    path.join(strapi.dirs.app.root, 'database', 'migrations', 'lib', 'data-exports-table.js')
  ) as { createDataExportsTable: (knex: unknown, schema: string | null) => Promise<void> };
  await createDataExportsTable(strapi.db.connection, ownTableLocation(strapi.db, DATA_EXPORTS_TABLE).schema);
}

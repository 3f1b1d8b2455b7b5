import path from 'path';
import type { Core } from '@strapi/strapi';
import { runSql } from '../access/raw-sql';
import type { Caller, RoleType } from '../access/roles';
import { ownTableLocation, ownTableOf } from '../database/tables';

/**
 * The audit trail: staff actions (grades and regrades, certificate issue and revoke, enrollments placed or cancelled
 * by staff, role changes, refunds, hidden content, erasures and exports run by staff) and a submission's versions,
 * kept in `lyceum_audit_events` (database/migrations/lib/audit-table.js) and never edited: the code has no update or
 * delete, and a trigger refuses both in the database.
 *
 * `recordAuditEvent` runs through runSql, so inside the change's transaction it commits or rolls back with it.
 * `before` and `after` hold ids, numbers, statuses and staff's own words (feedback, reasons), never a learner's text
 * or name: an erased user leaves only their id here.
 */
export const AUDIT_TABLE = 'lyceum_audit_events';

export const AUDIT_ACTIONS = [
  'submission.submitted',
  'submission.graded',
  'certificate.issued',
  'certificate.revoked',
  'enrollment.placed',
  'enrollment.cancelled',
  'user.role_changed',
  'order.refunded',
  'content.hidden',
  'user.exported',
  'user.erased',
  'waitlist.moved',
  'waitlist.removed',
  'ticket.assigned',
  'ticket.closed',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** A plain JSON object: what a change looked like before or after. */
export type AuditState = Record<string, string | number | boolean | null>;

export interface AuditEventInput {
  action: AuditAction;
  /** Who acted; null for the system (a job, a completion). */
  actor: Caller | null;
  /** `<kind>:<id>`: `submission:<documentId>`, `certificate:<documentId>`, `user:<id>`… */
  entity: string;
  before?: AuditState | null;
  after?: AuditState | null;
  reason?: string | null;
  at?: Date;
}

export interface AuditEvent {
  id: number;
  action: AuditAction;
  /** The users-permissions user id who acted; null for the system, an API token or a Super Admin of the panel. */
  actor: number | null;
  actorRole: RoleType | 'system';
  entity: string;
  before: AuditState | null;
  after: AuditState | null;
  reason?: string;
  at: string;
}

export interface AuditFilter {
  actor?: number;
  /** `kind:id` for one entity, or `kind` for every entity of a kind. */
  entity?: string;
  from?: Date;
  to?: Date;
}

/** An entity's name in the trail. */
export const auditEntity = (kind: string, id: string | number) => `${kind}:${id}`;

const table = (strapi: Core.Strapi) => ownTableOf(strapi, AUDIT_TABLE);

/** Records one event, in the caller's transaction when there is one. */
export async function recordAuditEvent(strapi: Core.Strapi, event: AuditEventInput): Promise<void> {
  await runSql(
    strapi,
    `INSERT INTO ?? (action, actor_id, actor_role, entity, "before", "after", reason, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      table(strapi),
      event.action,
      event.actor?.userId ?? null,
      event.actor?.role ?? 'system',
      event.entity,
      event.before ? JSON.stringify(event.before) : null,
      event.after ? JSON.stringify(event.after) : null,
      event.reason ?? null,
      (event.at ?? new Date()).getTime(),
    ]
  );
}

interface AuditRow {
  id: unknown;
  action: string;
  actor_id: unknown;
  actor_role: string;
  entity: string;
  before: string | null;
  after: string | null;
  reason: string | null;
  at: unknown;
}

const parseState = (value: string | null): AuditState | null => (value ? (JSON.parse(value) as AuditState) : null);

function presentEvent(row: AuditRow): AuditEvent {
  return {
    id: Number(row.id),
    action: row.action as AuditAction,
    actor: row.actor_id === null || row.actor_id === undefined ? null : Number(row.actor_id),
    actorRole: row.actor_role as AuditEvent['actorRole'],
    entity: row.entity,
    before: parseState(row.before),
    after: parseState(row.after),
    ...(row.reason ? { reason: row.reason } : {}),
    at: new Date(Number(row.at)).toISOString(),
  };
}

function whereOf(filter: AuditFilter): { sql: string; bindings: unknown[] } {
  const conditions: string[] = [];
  const bindings: unknown[] = [];
  if (filter.actor !== undefined) {
    conditions.push('actor_id = ?');
    bindings.push(filter.actor);
  }
  if (filter.entity !== undefined) {
    if (filter.entity.includes(':')) {
      conditions.push('entity = ?');
      bindings.push(filter.entity);
    } else {
      // Every entity of a kind. LIKE, not a range: PostgreSQL's linguistic collations ignore punctuation when
      // comparing, so `kind:` … `kind;` is no range there. The kind is letters and dashes (filters.ts): no wildcard.
      conditions.push('entity LIKE ?');
      bindings.push(`${filter.entity}:%`);
    }
  }
  if (filter.from) {
    conditions.push('at >= ?');
    bindings.push(filter.from.getTime());
  }
  if (filter.to) {
    conditions.push('at <= ?');
    bindings.push(filter.to.getTime());
  }
  return { sql: conditions.length ? `WHERE ${conditions.join(' AND ')}` : '', bindings };
}

/** GET /audit-events: newest first, one page, and how many match. */
export async function findAuditEvents(
  strapi: Core.Strapi,
  filter: AuditFilter,
  page: { page: number; pageSize: number }
): Promise<{ data: AuditEvent[]; total: number }> {
  const where = whereOf(filter);
  const [rows, counted] = await Promise.all([
    runSql<AuditRow>(strapi, `SELECT * FROM ?? ${where.sql} ORDER BY id DESC LIMIT ? OFFSET ?`, [
      table(strapi),
      ...where.bindings,
      page.pageSize,
      (page.page - 1) * page.pageSize,
    ]),
    runSql<{ total: unknown }>(strapi, `SELECT COUNT(*) AS total FROM ?? ${where.sql}`, [
      table(strapi),
      ...where.bindings,
    ]),
  ]);
  return { data: rows.rows.map(presentEvent), total: Number(counted.rows[0]?.total ?? 0) };
}

/** Every event of one entity, oldest first (a submission's history). */
export async function auditEventsOf(strapi: Core.Strapi, entity: string): Promise<AuditEvent[]> {
  const rows = await runSql<AuditRow>(strapi, 'SELECT * FROM ?? WHERE entity = ? ORDER BY id ASC', [
    table(strapi),
    entity,
  ]);
  return rows.rows.map(presentEvent);
}

/** At start-up: makes sure of the table and its append-only triggers (the migration creates them too). */
export async function ensureAuditTable(strapi: Core.Strapi): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createAuditTable } = require(
    path.join(strapi.dirs.app.root, 'database', 'migrations', 'lib', 'audit-table.js')
  ) as { createAuditTable: (knex: unknown, schema: string | null) => Promise<void> };
  await createAuditTable(strapi.db.connection, ownTableLocation(strapi.db, AUDIT_TABLE).schema);
}

export { auditFilterFrom } from './filters';

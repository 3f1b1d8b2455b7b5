import type { Core } from '@strapi/strapi';
import { createId } from '@paralleldrive/cuid2';
import { LRUCache } from 'lru-cache';
import { endSessionFamily, findSession, ORIGIN, type SessionRow } from '../../../../../access/sessions';
import { tableOf } from '../../../../../database/tables';
import { notFound } from '../../../../../errors/refusal';
import { runSql } from '../../../../../access/raw-sql';
import { accountTables, inKnex } from '../tables';

const SESSION = 'admin::session';
/** lastUsedAt is written at most this often per session and instance: not a write per request. */
export const TOUCH_INTERVAL_MS = 60_000;
const MAX_USER_AGENT = 512;
const MAX_IP = 64;
const PUBLIC_ID = /^[a-z0-9]{1,64}$/;

export interface SessionView {
  id: string;
  userAgent: string | null;
  ip: string | null;
  createdAt: string;
  lastUsedAt: string;
  current: boolean;
}

/** Where a request came from, as a session shows it. */
export interface Origin {
  userAgent: string | null;
  ip: string | null;
}

interface DetailsRow {
  public_id: string;
  device_id: string;
  user_agent: string | null;
  ip: string | null;
  created_at: number | string;
  last_used_at: number | string;
}

const clip = (value: string | null | undefined, length: number) => (value ? value.slice(0, length) : null);
const iso = (millis: number | string) => new Date(Number(millis)).toISOString();

/** Sessions whose lastUsedAt this instance wrote lately, so a busy session costs one write a minute. */
const touched = new LRUCache<string, number>({ max: 50_000 });

/**
 * The caller's sign-in sessions (contract "Tutor marketplace", Sessions). A session is a login's family of core
 * session rows (src/access/sessions.ts: one user and device id); this plugin keeps beside it where the login came
 * from and when it was last used. Ending one goes through the same path as logout (`endSessionFamily`), whose
 * write drops the cached "is this session live" answer on every instance (src/cache/bus.ts), so the session's
 * refresh token and access tokens are refused on their next request.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /**
   * A row of core's session table was created: a login (a new family, or a client's own device id signing in
   * again) records where it came from; a refresh (a rotation within the family) only counts as use.
   */
  async recordSessionRow(userId: string, deviceId: string, origin: Origin, isRefresh: boolean, now = Date.now()) {
    const table = accountTables(strapi).sessionDetails;
    if (isRefresh) {
      const { count } = await runSql(strapi, 'UPDATE ?? SET last_used_at = ? WHERE user_id = ? AND device_id = ?', [
        table,
        now,
        Number(userId),
        deviceId,
      ]);
      if (count > 0) return;
    }
    await runSql(
      strapi,
      `INSERT INTO ?? (public_id, user_id, device_id, user_agent, ip, created_at, last_used_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (user_id, device_id) DO UPDATE SET public_id = excluded.public_id, user_agent = excluded.user_agent,
         ip = excluded.ip, created_at = excluded.created_at, last_used_at = excluded.last_used_at`,
      [
        table,
        createId(),
        Number(userId),
        deviceId,
        clip(origin.userAgent, MAX_USER_AGENT),
        clip(origin.ip, MAX_IP),
        now,
        now,
      ]
    );
  },

  /** A request signed in with an access token of `sessionId`: lastUsedAt, at most once a minute per instance. */
  async touch(userId: number, sessionId: string, now = Date.now()) {
    const last = touched.get(sessionId);
    if (last !== undefined && now - last < TOUCH_INTERVAL_MS) return;
    touched.set(sessionId, now);
    await runSql(
      strapi,
      `UPDATE ?? SET last_used_at = ? WHERE user_id = ? AND last_used_at < ?
         AND device_id = (SELECT device_id FROM ?? WHERE session_id = ? AND origin = ?)`,
      [
        accountTables(strapi).sessionDetails,
        now,
        userId,
        now - TOUCH_INTERVAL_MS,
        tableOf(strapi, SESSION),
        sessionId,
        ORIGIN,
      ]
    );
  },

  /** The live families of a user: device id → when its first live row was made. */
  async liveFamilies(userId: number, now = Date.now()): Promise<Map<string, number>> {
    const rows: Array<SessionRow & { createdAt?: string | Date }> = await strapi.db.query(SESSION).findMany({
      where: { userId: String(userId), origin: ORIGIN, status: 'active' },
      select: ['deviceId', 'absoluteExpiresAt', 'createdAt'],
    });
    const families = new Map<string, number>();
    for (const row of rows) {
      if (!row.deviceId) continue;
      if (row.absoluteExpiresAt && new Date(row.absoluteExpiresAt).getTime() <= now) continue;
      const created = row.createdAt ? new Date(row.createdAt).getTime() : now;
      families.set(row.deviceId, Math.min(created, families.get(row.deviceId) ?? created));
    }
    return families;
  },

  /** GET /me/sessions: the live sessions, most recently used first; `current` is the one the request came with. */
  async list(userId: number, currentSessionId: string | undefined): Promise<SessionView[]> {
    const now = Date.now();
    const [families, current] = await Promise.all([
      this.liveFamilies(userId, now),
      currentSessionId ? findSession(strapi, currentSessionId) : Promise.resolve(null),
    ]);
    const table = accountTables(strapi).sessionDetails;
    let details: DetailsRow[] = await inKnex(strapi, (knex) => knex(table).select('*').where('user_id', userId));
    // A session signed in before its details were kept: listed from its rows, with nothing known of its origin.
    const missing = [...families.keys()].filter((deviceId) => !details.some((row) => row.device_id === deviceId));
    if (missing.length) {
      for (const deviceId of missing)
        await runSql(
          strapi,
          `INSERT INTO ?? (public_id, user_id, device_id, user_agent, ip, created_at, last_used_at)
           VALUES (?, ?, ?, NULL, NULL, ?, ?) ON CONFLICT (user_id, device_id) DO NOTHING`,
          [table, createId(), userId, deviceId, families.get(deviceId), families.get(deviceId)]
        );
      details = await inKnex(strapi, (knex) => knex(table).select('*').where('user_id', userId));
    }
    // Details of sessions that ended (logout, reuse of a rotated token, expiry) are dropped as they are met.
    const ended = details.filter((row) => !families.has(row.device_id)).map((row) => row.device_id);
    if (ended.length)
      await inKnex(strapi, (knex) => knex(table).where('user_id', userId).whereIn('device_id', ended).delete());
    return details
      .filter((row) => families.has(row.device_id))
      .sort((a, b) => Number(b.last_used_at) - Number(a.last_used_at) || a.public_id.localeCompare(b.public_id))
      .map((row) => ({
        id: row.public_id,
        userAgent: row.user_agent ?? null,
        ip: row.ip ?? null,
        createdAt: iso(row.created_at),
        lastUsedAt: iso(row.last_used_at),
        current: !!current && String(current.userId) === String(userId) && current.deviceId === row.device_id,
      }));
  },

  /** DELETE /me/sessions/:id: one of the caller's live sessions ends (404 for any other id). */
  async revoke(userId: number, id: string): Promise<{ id: string; revoked: true }> {
    const table = accountTables(strapi).sessionDetails;
    const row: DetailsRow | undefined = PUBLIC_ID.test(id)
      ? await inKnex(strapi, (knex) => knex(table).select('*').where({ public_id: id, user_id: userId }).first())
      : undefined;
    if (!row || !(await this.liveFamilies(userId)).has(row.device_id))
      throw notFound('No session of yours has this id');
    await endSessionFamily(strapi, { sessionId: '', userId: String(userId), deviceId: row.device_id });
    await inKnex(strapi, (knex) => knex(table).where({ user_id: userId, device_id: row.device_id }).delete());
    return { id, revoked: true };
  },

  /** DELETE /me/sessions: every session of the caller but the one the request came with. */
  async revokeOthers(userId: number, currentSessionId: string | undefined): Promise<{ revoked: number }> {
    const current = currentSessionId ? await findSession(strapi, currentSessionId) : null;
    const keep = current && String(current.userId) === String(userId) ? (current.deviceId ?? null) : null;
    const families = await this.liveFamilies(userId);
    const others = [...families.keys()].filter((deviceId) => deviceId !== keep);
    // One statement; its condition names the user, so the cached answers of all their sessions are dropped
    // (src/access/sessions.ts, on every instance through the cache bus).
    const where: Record<string, unknown> = { origin: ORIGIN, userId: String(userId) };
    if (keep) where.$or = [{ deviceId: { $ne: keep } }, { deviceId: { $null: true } }];
    else if (currentSessionId) where.sessionId = { $ne: currentSessionId };
    await strapi.db.query(SESSION).deleteMany({ where });
    const table = accountTables(strapi).sessionDetails;
    await inKnex(strapi, (knex) => {
      const query = knex(table).where('user_id', userId);
      if (keep) query.whereNot('device_id', keep);
      return query.delete();
    });
    return { revoked: others.length };
  },
});

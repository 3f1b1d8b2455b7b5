import { createHash, createHmac, timingSafeEqual } from 'crypto';

/**
 * Signed playback URLs (contract "Media"): the playlists and segments of a video are served to whoever holds a URL
 * signed for its asset, for the caller it was issued to, until it expires. The signature is an HMAC-SHA256 of
 * `asset:user:expiry` with VIDEO_URL_SECRET (written into .env by `npm start`; without it, a key derived from the app's
 * own secrets). Every URI inside a served playlist carries the same signature, so a player needs nothing else.
 */

export const DEFAULT_URL_TTL_SECONDS = 3600;

export interface PlaybackSignature {
  /** The user the URL was issued to (0: a visitor, e.g. a free preview). */
  u: number;
  /** Expiry, epoch seconds. */
  e: number;
  /** base64url HMAC. */
  s: string;
}

let cachedKey: { source: string; key: Buffer } | undefined;

function signingKey(env: NodeJS.ProcessEnv = process.env): Buffer {
  const explicit = env.VIDEO_URL_SECRET?.trim();
  const source =
    explicit || [env.APP_KEYS, env.JWT_SECRET, env.ADMIN_JWT_SECRET].filter((value) => value?.trim()).join('|');
  if (!source) throw new Error('VIDEO_URL_SECRET (or APP_KEYS) must be set to sign video URLs');
  if (cachedKey?.source === source) return cachedKey.key;
  // A derived key differs from every secret it comes from: a video URL reveals nothing usable elsewhere.
  const key = explicit
    ? Buffer.from(explicit, 'utf8')
    : createHash('sha256').update(`lyceum video urls|${source}`).digest();
  cachedKey = { source, key };
  return key;
}

/** How long a playback URL lives (VIDEO_URL_TTL_SECONDS; default 1 hour). */
export function urlTtlSeconds(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.VIDEO_URL_TTL_SECONDS ?? DEFAULT_URL_TTL_SECONDS);
  return Number.isInteger(value) && value > 0 ? value : DEFAULT_URL_TTL_SECONDS;
}

const mac = (assetId: string, userId: number, expiresAt: number) =>
  createHmac('sha256', signingKey()).update(`v1:${assetId}:${userId}:${expiresAt}`).digest('base64url');

export function signAsset(assetId: string, userId: number | null, now = Date.now()): PlaybackSignature {
  const u = userId ?? 0;
  const e = Math.floor(now / 1000) + urlTtlSeconds();
  return { u, e, s: mac(assetId, u, e) };
}

export const signatureQuery = (signature: PlaybackSignature) => `u=${signature.u}&e=${signature.e}&s=${signature.s}`;

/** Whether `query` holds a signature for `assetId` that is genuine and not expired. */
export function isValidSignature(assetId: string, query: Record<string, unknown>, now = Date.now()): boolean {
  const { u, e, s } = query;
  if (typeof u !== 'string' || typeof e !== 'string' || typeof s !== 'string') return false;
  if (!/^\d{1,12}$/.test(u) || !/^\d{1,12}$/.test(e) || !/^[A-Za-z0-9_-]{43}$/.test(s)) return false;
  if (Number(e) * 1000 <= now) return false;
  const expected = Buffer.from(mac(assetId, Number(u), Number(e)));
  const given = Buffer.from(s);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

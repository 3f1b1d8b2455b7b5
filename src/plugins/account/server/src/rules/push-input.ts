import { fieldProblem, throwIfInvalid, type FieldError } from '../../../../../errors/refusal';

/**
 * A browser's push subscription (PushSubscription.toJSON()): an https endpoint of the push service, the device's
 * P-256 public key (65 bytes uncompressed, base64url) and its 16-byte auth secret. Plain http is taken only for a
 * loopback address when PUSH_ALLOW_HTTP_LOOPBACK=true (tests run a local push service).
 */
export interface PushSubscriptionInput {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export const MAX_ENDPOINT_LENGTH = 2048;
const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

const decodedLength = (value: string) => Buffer.from(value.replace(/=+$/, ''), 'base64url').length;

export function endpointProblem(endpoint: unknown, allowHttpLoopback: boolean): string | null {
  if (typeof endpoint !== 'string' || !endpoint) return 'endpoint must be the push service URL';
  if (endpoint.length > MAX_ENDPOINT_LENGTH) return `endpoint must be at most ${MAX_ENDPOINT_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return 'endpoint must be a URL';
  }
  if (url.username || url.password) return 'endpoint must not carry credentials';
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && allowHttpLoopback && LOOPBACK.has(url.hostname)) return null;
  return 'endpoint must be an https URL';
}

export function parsePushSubscription(body: unknown, allowHttpLoopback: boolean): PushSubscriptionInput {
  const problems: FieldError[] = [];
  const input = body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  for (const field of Object.keys(input))
    if (!['endpoint', 'keys', 'expirationTime'].includes(field))
      problems.push(fieldProblem(field, `Unknown field ${field}`));
  const endpointError = endpointProblem(input.endpoint, allowHttpLoopback);
  if (endpointError) problems.push(fieldProblem('endpoint', endpointError));
  const keys =
    input.keys && typeof input.keys === 'object' && !Array.isArray(input.keys)
      ? (input.keys as Record<string, unknown>)
      : null;
  if (!keys) problems.push(fieldProblem('keys', 'keys must be an object with p256dh and auth'));
  else {
    const { p256dh, auth } = keys;
    if (
      typeof p256dh !== 'string' ||
      !BASE64URL.test(p256dh) ||
      decodedLength(p256dh) !== 65 ||
      Buffer.from(p256dh, 'base64url')[0] !== 0x04
    )
      problems.push(
        fieldProblem('keys.p256dh', 'keys.p256dh must be an uncompressed P-256 public key (65 bytes, base64url)')
      );
    if (typeof auth !== 'string' || !BASE64URL.test(auth) || decodedLength(auth) !== 16)
      problems.push(fieldProblem('keys.auth', 'keys.auth must be a 16-byte secret (base64url)'));
  }
  throwIfInvalid(problems);
  const { p256dh, auth } = keys as { p256dh: string; auth: string };
  return { endpoint: input.endpoint as string, keys: { p256dh, auth } };
}

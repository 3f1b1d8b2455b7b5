import { Refusal } from '../../../../../errors/refusal';
import { ed25519SeedOf, isEd25519PublicKey } from '../rules/multibase';
import { ed25519Multikey, type Multikey } from './libraries';

/**
 * The issuer's keys, from the environment:
 * - `CREDENTIAL_SIGNING_KEY`: the Ed25519 secret key that signs, as a Multikey secret key (`z3u2…`: multibase
 *   base58btc of the multicodec header 0x8026 and the 32-byte seed). `npm start` writes one into `.env`.
 * - `CREDENTIAL_PREVIOUS_KEYS`: comma-separated public keys (`z6Mk…`) of keys signed with before. They stay in the DID
 *   document, so credentials they signed still verify after a rotation.
 *
 * Read at each use (a parse is kept per value), so a rotation takes effect without touching anything else. The secret
 * is never logged nor answered: errors name the variable, never its value.
 */

export interface SigningKeys {
  /** The key that signs, bound to its verification method id. */
  signing: Multikey;
  /** Public keys of the DID document: the signing key's first, then the previous ones. */
  publicKeys: string[];
}

/** A key variable that cannot be read: the server is misconfigured (503 `credential_key_invalid`; at start, it stops). */
export class CredentialKeyError extends Refusal {
  constructor(message: string) {
    super(message, 'credential_key_invalid', { status: 503 });
  }
}

const parsed = new Map<string, Promise<{ seed: Uint8Array; publicKeyMultibase: string }>>();

const env = () => ({
  secret: process.env.CREDENTIAL_SIGNING_KEY?.trim() ?? '',
  previous: process.env.CREDENTIAL_PREVIOUS_KEYS?.trim() ?? '',
});

/** Whether credentials are signed here: CREDENTIAL_SIGNING_KEY is set. */
export const isSigningConfigured = (): boolean => env().secret !== '';

function previousKeys(text: string): string[] {
  const keys = text
    .split(/[\s,]+/)
    .map((key) => key.trim())
    .filter(Boolean);
  keys.forEach((key, position) => {
    if (!isEd25519PublicKey(key))
      throw new CredentialKeyError(
        `CREDENTIAL_PREVIOUS_KEYS: entry ${position + 1} is not an Ed25519 Multikey public key (z6Mk…)`
      );
  });
  return keys;
}

async function parseSecret(secret: string) {
  let pending = parsed.get(secret);
  if (!pending) {
    pending = (async () => {
      const seed = ed25519SeedOf(secret);
      if (!seed)
        throw new CredentialKeyError(
          'CREDENTIAL_SIGNING_KEY is not an Ed25519 Multikey secret key (z3u2…, see README "Configuration")'
        );
      const key = await ed25519Multikey().generate({ seed });
      return { seed, publicKeyMultibase: key.publicKeyMultibase };
    })();
    parsed.set(secret, pending);
    pending.catch(() => parsed.delete(secret));
  }
  return pending;
}

/** The keys for the issuer `did`, or null when no signing key is configured. Throws CredentialKeyError on a bad one. */
export async function signingKeys(did: string): Promise<SigningKeys | null> {
  const { secret, previous } = env();
  if (!secret) return null;
  const { seed, publicKeyMultibase } = await parseSecret(secret);
  const signing = await ed25519Multikey().generate({
    seed,
    controller: did,
    id: `${did}#${publicKeyMultibase}`,
  });
  const publicKeys = [publicKeyMultibase, ...previousKeys(previous).filter((key) => key !== publicKeyMultibase)];
  return { signing, publicKeys: [...new Set(publicKeys)] };
}

/** The public keys of the DID document alone (no signing key needed beyond its public half). */
export async function publishedKeys(): Promise<string[] | null> {
  const { secret, previous } = env();
  if (!secret) return null;
  const { publicKeyMultibase } = await parseSecret(secret);
  return [...new Set([publicKeyMultibase, ...previousKeys(previous)])];
}

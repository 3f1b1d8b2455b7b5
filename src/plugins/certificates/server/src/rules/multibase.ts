/**
 * Multibase base58btc (`z…`) and the two multicodec headers of Ed25519 keys, as the Multikey format writes them
 * (W3C Controlled Identifiers, "Multikey"): a public key is `z` + base58btc(0xed 0x01 + 32 bytes), a secret key
 * `z` + base58btc(0x80 0x26 + 32-byte seed). Pure: used to read CREDENTIAL_SIGNING_KEY and CREDENTIAL_PREVIOUS_KEYS.
 */

const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const ED25519_PUBLIC_HEADER = [0xed, 0x01];
const ED25519_SECRET_HEADER = [0x80, 0x26];

export function base58btcEncode(bytes: Uint8Array): string {
  const digits: number[] = [];
  for (const byte of bytes) {
    let carry = byte;
    for (let index = 0; index < digits.length; index += 1) {
      carry += digits[index] << 8;
      digits[index] = carry % 58;
      carry = Math.floor(carry / 58);
    }
    while (carry > 0) {
      digits.push(carry % 58);
      carry = Math.floor(carry / 58);
    }
  }
  let zeros = '';
  for (const byte of bytes) {
    if (byte !== 0) break;
    zeros += '1';
  }
  return (
    zeros +
    digits
      .reverse()
      .map((digit) => ALPHABET[digit])
      .join('')
  );
}

/** The bytes of base58btc text, or null when it holds a character outside the alphabet. */
export function base58btcDecode(text: string): Uint8Array | null {
  const bytes: number[] = [];
  for (const character of text) {
    let carry = ALPHABET.indexOf(character);
    if (carry < 0) return null;
    for (let index = 0; index < bytes.length; index += 1) {
      carry += bytes[index] * 58;
      bytes[index] = carry & 0xff;
      carry >>= 8;
    }
    while (carry > 0) {
      bytes.push(carry & 0xff);
      carry >>= 8;
    }
  }
  for (const character of text) {
    if (character !== '1') break;
    bytes.push(0);
  }
  return Uint8Array.from(bytes.reverse());
}

function withHeader(text: string, header: number[]): Uint8Array | null {
  if (typeof text !== 'string' || !text.startsWith('z')) return null;
  const bytes = base58btcDecode(text.slice(1));
  if (!bytes || bytes[0] !== header[0] || bytes[1] !== header[1]) return null;
  return bytes.subarray(2);
}

/**
 * The 32-byte seed of an Ed25519 Multikey secret key (`z3u2…`). The Digital Bazaar library writes the seed followed
 * by the public key (64 bytes); the specification 32: both are read. Null for anything else.
 */
export function ed25519SeedOf(secretKeyMultibase: string): Uint8Array | null {
  const key = withHeader(secretKeyMultibase, ED25519_SECRET_HEADER);
  return key && (key.length === 32 || key.length === 64) ? key.slice(0, 32) : null;
}

/** Whether the text is an Ed25519 Multikey public key (`z6Mk…`). */
export const isEd25519PublicKey = (publicKeyMultibase: string): boolean =>
  withHeader(publicKeyMultibase, ED25519_PUBLIC_HEADER)?.length === 32;

/** The Multikey secret key of a 32-byte seed (what `npm start` writes, in scripts/lib.js, with built-ins only). */
export const ed25519SecretKeyMultibase = (seed: Uint8Array): string =>
  `z${base58btcEncode(Uint8Array.from([...ED25519_SECRET_HEADER, ...seed]))}`;

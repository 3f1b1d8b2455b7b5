import { randomBytes } from 'crypto';

/**
 * Certificate codes: 128 bits from the CSPRNG, base64url (22 characters). Verification looks codes up by
 * exact match on a unique index, so nothing about a valid code can be learned from an invalid one.
 */
export const CERTIFICATE_CODE = /^[A-Za-z0-9_-]{22}$/;

export const newCertificateCode = (): string => randomBytes(16).toString('base64url');

export const isWellFormedCode = (code: unknown): code is string =>
  typeof code === 'string' && CERTIFICATE_CODE.test(code);

/** The public verification address printed on the PDF and encoded in its QR code. */
export function verificationUrl(code: string, template: string): string {
  return template.includes('{code}')
    ? template.replace('{code}', encodeURIComponent(code))
    : `${template.replace(/\/$/, '')}/${encodeURIComponent(code)}`;
}

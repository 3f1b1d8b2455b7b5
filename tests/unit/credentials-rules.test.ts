import { randomBytes } from 'crypto';
import {
  RefusedDocumentError,
  staticDocumentLoader,
} from '../../src/plugins/certificates/server/src/credentials/contexts';
import { didDocument, didWebOf } from '../../src/plugins/certificates/server/src/rules/did-web';
import {
  base58btcDecode,
  base58btcEncode,
  ed25519SecretKeyMultibase,
  ed25519SeedOf,
  isEd25519PublicKey,
} from '../../src/plugins/certificates/server/src/rules/multibase';
import { openBadgeCredential } from '../../src/plugins/certificates/server/src/rules/open-badge';
import { STATUS_LIST_LENGTH, statusEntryOf } from '../../src/plugins/certificates/server/src/rules/status-index';

describe('did:web of the public URL', () => {
  test.each([
    ['http://localhost:1337', 'did:web:localhost%3A1337'],
    ['https://learn.example.com', 'did:web:learn.example.com'],
    ['https://learn.example.com/', 'did:web:learn.example.com'],
    ['https://example.com:8443/lyceum/school', 'did:web:example.com%3A8443:lyceum:school'],
    ['https://EXAMPLE.com', 'did:web:example.com'],
  ])('%s → %s', (url, did) => expect(didWebOf(url)).toBe(did));

  test('the DID document keeps every key as a Multikey allowed to assert', () => {
    const document = didDocument('did:web:x', ['z6MkA', 'z6MkB']);
    expect(document.verificationMethod).toEqual([
      { id: 'did:web:x#z6MkA', type: 'Multikey', controller: 'did:web:x', publicKeyMultibase: 'z6MkA' },
      { id: 'did:web:x#z6MkB', type: 'Multikey', controller: 'did:web:x', publicKeyMultibase: 'z6MkB' },
    ]);
    expect(document.assertionMethod).toEqual(['did:web:x#z6MkA', 'did:web:x#z6MkB']);
  });
});

describe('multibase keys', () => {
  test('base58btc round-trips, leading zeros included', () => {
    for (const bytes of [new Uint8Array([]), new Uint8Array([0, 0, 1]), randomBytes(34), new Uint8Array([0xff])])
      expect(Buffer.from(base58btcDecode(base58btcEncode(bytes))!)).toEqual(Buffer.from(bytes));
    expect(base58btcEncode(Buffer.from('hello world'))).toBe('StV1DL6CwTryKyV');
    expect(base58btcDecode('0OIl')).toBeNull();
  });

  test('a secret key gives its seed back; anything else is refused', () => {
    const seed = randomBytes(32);
    const secret = ed25519SecretKeyMultibase(seed);
    expect(secret).toMatch(/^z3u2/);
    expect(Buffer.from(ed25519SeedOf(secret)!)).toEqual(seed);
    for (const bad of ['', 'z', `${secret}x`, secret.slice(1), 'z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK'])
      expect(ed25519SeedOf(bad)).toBeNull();
    expect(isEd25519PublicKey('z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK')).toBe(true);
    expect(isEd25519PublicKey(secret)).toBe(false);
  });
});

describe('status list entries', () => {
  test('the first list is filled before the second, each index used once', () => {
    const seen = new Set<number>();
    const lists = new Set<number>();
    let outside = 0;
    for (let sequence = 1; sequence <= STATUS_LIST_LENGTH; sequence += 1) {
      const { listId, index } = statusEntryOf(sequence);
      lists.add(listId);
      seen.add(index);
      if (!Number.isInteger(index) || index < 0 || index >= STATUS_LIST_LENGTH) outside += 1;
    }
    expect([...lists]).toEqual([1]);
    expect(seen.size).toBe(STATUS_LIST_LENGTH);
    expect(outside).toBe(0);
    expect(statusEntryOf(STATUS_LIST_LENGTH + 1)).toEqual({ listId: 2, index: statusEntryOf(1).index });
  });

  test('neighbours are scattered, not consecutive', () => {
    expect(Math.abs(statusEntryOf(2).index - statusEntryOf(1).index)).toBeGreaterThan(1000);
  });

  test.each([0, -1, 1.5, Number.NaN])('sequence %p is refused', (sequence) => {
    expect(() => statusEntryOf(sequence)).toThrow(RangeError);
  });
});

describe('the Open Badges credential', () => {
  const addresses = {
    publicUrl: 'https://learn.example.com',
    issuer: 'did:web:learn.example.com',
    credentialUrl: 'https://learn.example.com/api/certificates/verify/CODE/credential',
    statusListUrl: 'https://learn.example.com/api/credentials/status/1',
    statusListIndex: 42,
  };
  const completion = {
    code: 'CODE',
    studentName: 'Анна Каренина',
    courseTitle: 'Russian Novels',
    courseDocumentId: 'abc123',
    teacherNames: 'Лев Толстой',
    finalPercent: 97,
    issuedAt: '2026-12-01T10:00:00.000Z',
  };

  test('says what the certificate says, with its revocation entry', () => {
    const credential = openBadgeCredential(completion, addresses);
    expect(credential).toMatchObject({
      id: addresses.credentialUrl,
      type: ['VerifiableCredential', 'OpenBadgeCredential'],
      issuer: { id: addresses.issuer, type: ['Profile'] },
      validFrom: completion.issuedAt,
      credentialSubject: {
        identifier: [{ identityHash: 'Анна Каренина', identityType: 'name', hashed: false }],
        achievement: {
          id: 'https://learn.example.com/api/courses/abc123',
          name: 'Russian Novels',
          description: expect.stringContaining('Лев Толстой'),
        },
      },
      credentialStatus: {
        id: `${addresses.statusListUrl}#42`,
        statusListIndex: '42',
        statusListCredential: addresses.statusListUrl,
        statusPurpose: 'revocation',
      },
    });
    expect(credential.credentialSubject.achievement.description).toContain('97%');
  });
});

describe('the static document loader', () => {
  test('serves the shipped contexts from memory', async () => {
    const load = staticDocumentLoader();
    for (const url of [
      'https://www.w3.org/ns/credentials/v2',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
      'https://w3id.org/security/multikey/v1',
      'https://w3id.org/security/data-integrity/v2',
    ]) {
      const { document, documentUrl } = await load(url);
      expect(documentUrl).toBe(url);
      expect(document).toHaveProperty('@context');
    }
  });

  test('refuses every other URL instead of fetching it', async () => {
    const load = staticDocumentLoader(new Map([['did:web:example.com', { id: 'did:web:example.com' }]]));
    await expect(load('did:web:example.com')).resolves.toMatchObject({ document: { id: 'did:web:example.com' } });
    const fetchSpy = jest.spyOn(globalThis, 'fetch');
    for (const url of [
      'https://example.com/context.json',
      'http://localhost:1337/.well-known/did.json',
      'did:web:other.example.com',
      'file:///etc/passwd',
    ])
      await expect(load(url)).rejects.toThrow(RefusedDocumentError);
    expect(fetchSpy).not.toHaveBeenCalled();
    fetchSpy.mockRestore();
  });
});

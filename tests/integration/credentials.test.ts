import path from 'path';
import { factories, type TestUser } from '../helpers/factories';
import { newSigningKey, offlineVerifier } from '../helpers/credentials';
import { pdfText } from '../helpers/pdf';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

/**
 * Signed Open Badges 3.0 credentials (contract "Trust and privacy"): every certificate is an OpenBadgeCredential with
 * a DataIntegrityProof (eddsa-rdfc-2022) by the issuer's did:web, checked here as an outside verifier would: with the
 * Digital Bazaar libraries, offline, from the DID document and status lists fetched from the server.
 */

type Jobs = typeof import('../../src/jobs');
const jobsOfApp = (): Jobs => require(path.join(process.cwd(), 'dist', 'src', 'jobs', 'index.js'));
// The one table helper (schema-qualified on PostgreSQL), as the app loaded it.
const tables: typeof import('../../src/database/tables') = require(
  path.join(process.cwd(), 'dist', 'src', 'database', 'tables.js')
);
const CERTIFICATE = 'plugin::certificates.certificate';

let app: TestApp;
let make: ReturnType<typeof factories>;
let owner: TestUser;
let admin: TestUser;
const firstKey = newSigningKey();
const logged: string[] = [];

/** A student who completed a one-lesson course through the API, and the certificate it gave them. */
async function graduate(fullName = 'Ada Lovelace') {
  const course = await make.createCourse({ teacher: owner, lessons: 1 });
  const student = await make.createUser('student', { fullName });
  expect((await app.request.post(`/api/courses/${course.documentId}/enrollments`).set(student.auth)).status).toBe(201);
  const completed = await app.request.post(`/api/lessons/${course.lessons[0].documentId}/complete`).set(student.auth);
  expect(completed.body.data.courseCompleted).toBe(true);
  // The certificate (and its credential) exist when the completing request answers.
  const mine = await app.request.get('/api/me/certificates').set(student.auth);
  expect(mine.body.data).toHaveLength(1);
  return { course, student, certificate: mine.body.data[0] };
}

const credentialPath = (code: string) => `/api/certificates/verify/${code}/credential`;
const pathOf = (url: string) => new URL(url).pathname;

async function fetchCredential(code: string) {
  const response = await app.request.get(credentialPath(code));
  expect(response.status).toBe(200);
  expect(response.headers['content-type']).toMatch(/^application\/ld\+json/);
  return { response, credential: JSON.parse(response.text) };
}

async function fetchDidDocument() {
  const response = await app.request.get('/.well-known/did.json');
  expect(response.status).toBe(200);
  return JSON.parse(response.text);
}

async function fetchStatusList(url: string) {
  const response = await app.request.get(pathOf(url));
  expect(response.status).toBe(200);
  expect(response.headers['content-type']).toMatch(/^application\/ld\+json/);
  return JSON.parse(response.text);
}

/** What a verifier holding the server's DID document and the credential's status list concludes. */
async function verifyOffline(credential: any, didDocument?: any) {
  const statusListUrl = credential.credentialStatus.statusListCredential;
  const verifier = offlineVerifier({
    didDocument: didDocument ?? (await fetchDidDocument()),
    statusLists: { [statusListUrl]: await fetchStatusList(statusListUrl) },
  });
  const result = await verifier.verify(credential);
  // The status check succeeding says the list was read and verified; its bit says whether the credential is revoked.
  const revoked = Boolean(result.statusResult?.results?.some((entry: { status: boolean }) => entry.status));
  return { ...result, revoked, isValid: result.verified && !revoked, requested: verifier.requested };
}

beforeAll(async () => {
  app = await startLyceum({ CREDENTIAL_SIGNING_KEY: firstKey.secret, CREDENTIAL_PREVIOUS_KEYS: '' });
  make = factories(app.strapi);
  jest.spyOn(app.strapi.plugin('email').service('email'), 'send').mockResolvedValue(undefined as never);
  // Everything logged from here on, to prove the signing key never is.
  for (const level of ['error', 'warn', 'info', 'http', 'debug'] as const) {
    const original = (app.strapi.log as any)[level].bind(app.strapi.log);
    jest.spyOn(app.strapi.log as any, level).mockImplementation((...args: unknown[]) => {
      logged.push(args.map(String).join(' '));
      return original(...args);
    });
  }
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write.bind(stream);
    jest.spyOn(stream, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
      logged.push(String(chunk));
      return (original as any)(chunk, ...rest);
    }) as any);
  }
  [owner, admin] = await Promise.all([
    make.createUser('teacher', { fullName: 'Grace Hopper' }),
    make.createUser('admin'),
  ]);
});
afterAll(async () => {
  jest.restoreAllMocks();
  await stopLyceum();
});

describe('issuing', () => {
  test('completing a course stores a signed OpenBadgeCredential that an offline verifier accepts', async () => {
    const { course, certificate } = await graduate('Ada Lovelace');
    const { response, credential } = await fetchCredential(certificate.code);
    const didDocument = await fetchDidDocument();
    expect(credential).toMatchObject({
      '@context': [
        'https://www.w3.org/ns/credentials/v2',
        'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
      ],
      id: expect.stringContaining(credentialPath(certificate.code)),
      type: ['VerifiableCredential', 'OpenBadgeCredential'],
      issuer: { id: didDocument.id, type: ['Profile'], name: 'Lyceum' },
      validFrom: certificate.issuedAt,
      credentialSubject: {
        type: ['AchievementSubject'],
        identifier: [{ type: 'IdentityObject', identityHash: 'Ada Lovelace', identityType: 'name', hashed: false }],
        achievement: { type: ['Achievement'], name: course.title, criteria: { narrative: expect.any(String) } },
      },
      credentialStatus: {
        type: 'BitstringStatusListEntry',
        statusPurpose: 'revocation',
        statusListIndex: expect.stringMatching(/^\d+$/),
        statusListCredential: expect.stringMatching(/\/api\/credentials\/status\/1$/),
      },
      proof: {
        type: 'DataIntegrityProof',
        cryptosuite: 'eddsa-rdfc-2022',
        proofPurpose: 'assertionMethod',
        verificationMethod: `${didDocument.id}#${didDocument.verificationMethod[0].publicKeyMultibase}`,
        proofValue: expect.stringMatching(/^z/),
      },
    });
    expect(didDocument.id).toMatch(/^did:web:localhost%3A\d+$/);

    const result = await verifyOffline(credential, didDocument);
    expect(result.error).toBeUndefined();
    expect(result.isValid).toBe(true);
    // Offline: everything the verifier needed was one of the documents it was handed or shipped with.
    expect(result.requested).toContain(credential.credentialStatus.statusListCredential);
    expect(result.requested).toContain(credential.proof.verificationMethod);

    // Stored once, served as stored: the same bytes and ETag each time; the ETag answers 304.
    const again = await app.request.get(credentialPath(certificate.code));
    expect(again.text).toBe(response.text);
    expect(again.headers.etag).toBe(response.headers.etag);
    const unchanged = await app.request
      .get(credentialPath(certificate.code))
      .set('If-None-Match', response.headers.etag);
    expect(unchanged.status).toBe(304);

    // The public verification answer and the PDF's QR code point at it.
    const verification = await app.request.get(`/api/certificates/verify/${certificate.code}`);
    expect(verification.body.data.credentialUrl).toBe(credential.id);
    const pdf = await app.request
      .get(`/api/certificates/${certificate.documentId}/pdf`)
      .set(owner.auth)
      .buffer(true)
      .parse((res: any, done: (error: Error | null, body: Buffer) => void) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(pdfText(pdf.body)).toContain(`Verifiable credential: ${credential.id}`);
  });

  test('a changed byte fails verification', async () => {
    const { certificate } = await graduate('Grace Murray');
    const { credential } = await fetchCredential(certificate.code);
    const didDocument = await fetchDidDocument();
    expect((await verifyOffline(credential, didDocument)).isValid).toBe(true);

    const renamed = structuredClone(credential);
    renamed.credentialSubject.identifier[0].identityHash = 'Grace Murrey';
    expect((await verifyOffline(renamed, didDocument)).verified).toBe(false);

    const backdated = structuredClone(credential);
    backdated.validFrom = backdated.validFrom.replace(/\d(?=\.\d{3}Z$)/, (digit: string) => String((+digit + 1) % 10));
    expect((await verifyOffline(backdated, didDocument)).verified).toBe(false);

    const forged = structuredClone(credential);
    const value: string = forged.proof.proofValue;
    forged.proof.proofValue = value.slice(0, 10) + (value[10] === 'A' ? 'B' : 'A') + value.slice(11);
    expect((await verifyOffline(forged, didDocument)).verified).toBe(false);

    // The raw bytes as served: one character of the course title changed.
    const { response } = await fetchCredential(certificate.code);
    const tampered = JSON.parse(
      response.text.replace(/"name":"Certificate of completion: (.)/, '"name":"Certificate of completion: X')
    );
    expect((await verifyOffline(tampered, didDocument)).verified).toBe(false);
  });

  test('a course completed twice, or an issue repeated, leaves one credential', async () => {
    const { student, certificate } = await graduate();
    const service = app.strapi.plugin('certificates').service('credentials');
    const first = await fetchCredential(certificate.code);
    const row = await app.strapi.db
      .query('plugin::certificates.certificate')
      .findOne({ where: { code: certificate.code } });
    const repeated = await Promise.all(Array.from({ length: 5 }, () => service.signFor(row.id)));
    expect(new Set(repeated.map((document: { body: string }) => document.body))).toEqual(
      new Set([first.response.text])
    );
    expect((await app.request.get('/api/me/certificates').set(student.auth)).body.data).toHaveLength(1);
    expect((await fetchCredential(certificate.code)).response.text).toBe(first.response.text);
  });

  test('certificates without a credential get one: by the backfill job, or through a job when first fetched', async () => {
    const saved = process.env.CREDENTIAL_SIGNING_KEY;
    delete process.env.CREDENTIAL_SIGNING_KEY;
    let early: Awaited<ReturnType<typeof graduate>>[];
    try {
      early = [await graduate('Before Keys'), await graduate('Before Keys Too')];
      // Without a key no credential is served, and nothing else changes.
      expect((await app.request.get(credentialPath(early[0].certificate.code))).status).toBe(404);
      expect((await app.request.get('/.well-known/did.json')).status).toBe(404);
    } finally {
      process.env.CREDENTIAL_SIGNING_KEY = saved;
    }
    const stored = async (code: string): Promise<unknown[]> => {
      const result = await app.strapi.db.connection.raw(
        'SELECT cc.credential FROM ?? cc JOIN ?? c ON c.id = cc.certificate_id WHERE c.code = ? AND cc.credential IS NOT NULL',
        [tables.ownTableOf(app.strapi, 'lyceum_certificate_credentials'), tables.tableOf(app.strapi, CERTIFICATE), code]
      );
      return Array.isArray(result) ? result : result.rows;
    };
    expect(await stored(early[0].certificate.code)).toHaveLength(0);

    // The schedule's job (each instance enqueues its current slot at start; here run at once).
    const jobs = jobsOfApp();
    const backfill = jobs.jobKind('certificates.backfill-credentials')!;
    await (
      await jobs.enqueue(app.strapi, backfill, { schedule: 'certificates.backfill-credentials', slot: 'test' })
    ).deliver();
    expect(await stored(early[0].certificate.code)).toHaveLength(1);
    expect(await stored(early[1].certificate.code)).toHaveLength(1);
    for (const { certificate } of early)
      expect((await verifyOffline((await fetchCredential(certificate.code)).credential)).isValid).toBe(true);

    // One the backfill has not reached yet: the fetch has it signed by a job, then serves it.
    const later = await (async () => {
      delete process.env.CREDENTIAL_SIGNING_KEY;
      try {
        return await graduate('Fetched First');
      } finally {
        process.env.CREDENTIAL_SIGNING_KEY = saved;
      }
    })();
    const { credential } = await fetchCredential(later.certificate.code);
    expect((await verifyOffline(credential)).isValid).toBe(true);
  });
});

describe('erasure', () => {
  test("an erased holder's credential keeps no name: it is signed again as Erased holder, still valid", async () => {
    const { student, certificate } = await graduate('Mnemosyne Quillfeather');
    const before = await fetchCredential(certificate.code);
    expect(before.response.text).toContain('Mnemosyne Quillfeather');
    const erased = await app.request.delete(`/api/users/${student.id}`).set(admin.auth);
    expect(erased.status).toBe(200);
    const { rows } = await app.strapi.db.connection
      .raw('SELECT COUNT(*) AS n FROM ?? WHERE credential LIKE ?', [
        tables.ownTableOf(app.strapi, 'lyceum_certificate_credentials'),
        '%Mnemosyne%',
      ])
      .then((result: any) => ({ rows: Array.isArray(result) ? result : result.rows }));
    expect(Number(rows[0].n)).toBe(0);
    const after = await fetchCredential(certificate.code);
    expect(after.response.text).not.toContain('Mnemosyne');
    expect(after.response.text).toContain('Erased holder');
    // Same place in the status list; a valid signature.
    expect(after.credential.credentialStatus.statusListIndex).toBe(before.credential.credentialStatus.statusListIndex);
    expect((await verifyOffline(after.credential)).isValid).toBe(true);
  });
});

describe('revocation', () => {
  test('a revoked certificate shows in the signed status list within 5 s and fails the status check', async () => {
    const { certificate } = await graduate('Revoked Person');
    const { certificate: kept } = await graduate('Kept Person');
    const { credential } = await fetchCredential(certificate.code);
    const { credential: keptCredential } = await fetchCredential(kept.code);
    expect((await verifyOffline(credential)).isValid).toBe(true);

    const listPath = pathOf(credential.credentialStatus.statusListCredential);
    const before = await app.request.get(listPath);
    const revokedAt = Date.now();
    expect(
      (
        await app.request
          .post(`/api/certificates/${certificate.documentId}/revoke`)
          .set(owner.auth)
          .send({ reason: 'Plagiarism' })
      ).status
    ).toBe(200);
    let after = await app.request.get(listPath);
    while (after.headers.etag === before.headers.etag && Date.now() - revokedAt < 5_000) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      after = await app.request.get(listPath);
    }
    expect(after.headers.etag).not.toBe(before.headers.etag);
    expect(Date.now() - revokedAt).toBeLessThan(5_000);

    const result = await verifyOffline(credential);
    // The signature still holds (the credential is what was issued), the status list says revoked.
    expect(result.revoked).toBe(true);
    expect(result.isValid).toBe(false);
    // The other credential of the same list is untouched.
    const other = await verifyOffline(keptCredential);
    expect(keptCredential.credentialStatus.statusListCredential).toBe(credential.credentialStatus.statusListCredential);
    expect(other.isValid).toBe(true);

    // A forged list (one bit cleared, signature kept) is refused.
    const list = JSON.parse(after.text);
    const forgedList = {
      ...list,
      credentialSubject: {
        ...list.credentialSubject,
        encodedList: JSON.parse(before.text).credentialSubject.encodedList,
      },
    };
    const verifier = offlineVerifier({
      didDocument: await fetchDidDocument(),
      statusLists: { [credential.credentialStatus.statusListCredential]: forgedList },
    });
    const forged = await verifier.verify(credential);
    expect(forged.verified).toBe(false);
  });

  test('the status list is bare JSON-LD with an ETag (304 on If-None-Match); unknown 404, malformed 400', async () => {
    const { certificate } = await graduate();
    const { credential } = await fetchCredential(certificate.code);
    const listPath = pathOf(credential.credentialStatus.statusListCredential);
    const list = await app.request.get(listPath);
    expect(list.status).toBe(200);
    const body = JSON.parse(list.text);
    expect(body).not.toHaveProperty('data');
    expect(body).toMatchObject({
      type: ['VerifiableCredential', 'BitstringStatusListCredential'],
      issuer: credential.issuer.id,
      credentialSubject: {
        type: 'BitstringStatusList',
        statusPurpose: 'revocation',
        encodedList: expect.stringMatching(/^u/),
      },
      proof: { type: 'DataIntegrityProof', cryptosuite: 'eddsa-rdfc-2022' },
    });
    expect(list.headers.etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect((await app.request.get(listPath).set('If-None-Match', list.headers.etag)).status).toBe(304);
    expect((await app.request.get(listPath).set('If-None-Match', `"other", W/${list.headers.etag}`)).status).toBe(304);
    expect((await app.request.get(listPath).set('If-None-Match', '"other"')).status).toBe(200);
    expect((await app.request.get('/api/credentials/status/4000')).status).toBe(404);
    const malformed = await app.request.get('/api/credentials/status/first');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.details.errors[0].path).toEqual(['listId']);
    expect((await app.request.get('/api/credentials/status/0')).status).toBe(400);
    expect((await app.request.get('/api/credentials/status/99999999999')).status).toBe(404);
  });
});

describe('the issuer', () => {
  test('the DID document lists Multikey verification methods and is cacheable with an ETag', async () => {
    const response = await app.request.get('/.well-known/did.json');
    expect(response.status).toBe(200);
    const document = JSON.parse(response.text);
    expect(document).toMatchObject({
      '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
      id: expect.stringMatching(/^did:web:/),
      verificationMethod: [
        {
          id: expect.any(String),
          type: 'Multikey',
          controller: document.id,
          publicKeyMultibase: expect.stringMatching(/^z6Mk/),
        },
      ],
    });
    expect(document.assertionMethod).toEqual([document.verificationMethod[0].id]);
    expect(response.headers.etag).toBeDefined();
    expect((await app.request.get('/.well-known/did.json').set('If-None-Match', response.headers.etag)).status).toBe(
      304
    );
  });

  test('a rotated key still verifies old credentials: the previous public key stays in the DID document', async () => {
    const { certificate: old } = await graduate('Signed Before');
    const { credential: oldCredential } = await fetchCredential(old.code);
    const oldDocument = await fetchDidDocument();
    const oldPublicKey = oldDocument.verificationMethod[0].publicKeyMultibase;

    const nextKey = newSigningKey();
    const saved = { key: process.env.CREDENTIAL_SIGNING_KEY, previous: process.env.CREDENTIAL_PREVIOUS_KEYS };
    process.env.CREDENTIAL_SIGNING_KEY = nextKey.secret;
    process.env.CREDENTIAL_PREVIOUS_KEYS = oldPublicKey;
    try {
      const { certificate: fresh } = await graduate('Signed After');
      const { credential: freshCredential } = await fetchCredential(fresh.code);
      const rotated = await fetchDidDocument();
      expect(rotated.verificationMethod.map((method: any) => method.publicKeyMultibase)).toEqual([
        expect.not.stringMatching(oldPublicKey),
        oldPublicKey,
      ]);
      expect(freshCredential.proof.verificationMethod).toBe(rotated.verificationMethod[0].id);
      expect(oldCredential.proof.verificationMethod).toBe(rotated.verificationMethod[1].id);
      expect((await verifyOffline(oldCredential, rotated)).isValid).toBe(true);
      expect((await verifyOffline(freshCredential, rotated)).isValid).toBe(true);
      // Without the previous key the old credential would no longer verify: the document is what keeps it valid.
      const withoutOld = {
        ...rotated,
        verificationMethod: [rotated.verificationMethod[0]],
        assertionMethod: [rotated.assertionMethod[0]],
      };
      expect((await verifyOffline(oldCredential, withoutOld)).verified).toBe(false);
      // The stored credential was not re-signed.
      expect((await fetchCredential(old.code)).credential).toEqual(oldCredential);
    } finally {
      process.env.CREDENTIAL_SIGNING_KEY = saved.key;
      process.env.CREDENTIAL_PREVIOUS_KEYS = saved.previous;
    }
  });

  test('unknown and malformed codes are 404; no token is needed, a bad one is ignored', async () => {
    for (const code of ['AAAAAAAAAAAAAAAAAAAAAA', 'short', 'x'.repeat(200), '%27%20OR%201%3D1'])
      expect((await app.request.get(credentialPath(code))).status).toBe(404);
    const { certificate } = await graduate();
    expect(
      (await app.request.get(credentialPath(certificate.code)).set('Authorization', 'Bearer nonsense')).status
    ).toBe(200);
  });

  test('the signing key never appears in any answer or log', async () => {
    const { certificate } = await graduate('Secret Keeper');
    const { credential } = await fetchCredential(certificate.code);
    const answers = [
      (await app.request.get(credentialPath(certificate.code))).text,
      (await app.request.get('/.well-known/did.json')).text,
      (await app.request.get(pathOf(credential.credentialStatus.statusListCredential))).text,
      (await app.request.get(`/api/certificates/verify/${certificate.code}`)).text,
      (await app.request.get('/api/jobs?pagination[pageSize]=100').set(admin.auth)).text,
      (await app.request.get('/api/certificates/verify/AAAAAAAAAAAAAAAAAAAAAA/credential')).text,
    ];
    // A bad key is refused by name, never echoed.
    const saved = process.env.CREDENTIAL_SIGNING_KEY;
    process.env.CREDENTIAL_SIGNING_KEY = `${firstKey.secret}x`;
    try {
      const refused = await app.request.get('/.well-known/did.json');
      expect(refused.status).toBe(503);
      expect(refused.body.error.details.reason).toBe('credential_key_invalid');
      answers.push(refused.text);
    } finally {
      process.env.CREDENTIAL_SIGNING_KEY = saved;
    }
    const secretParts = [firstKey.secret, firstKey.secret.slice(1, 30)];
    for (const text of [...answers, ...logged]) for (const part of secretParts) expect(text).not.toContain(part);
  });
});

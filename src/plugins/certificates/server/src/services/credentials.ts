import { createHash } from 'crypto';
import type { AddressInfo } from 'net';
import type { Core } from '@strapi/strapi';
import { LRUCache } from 'lru-cache';
import { runSql, toIsoOrNull } from '../../../../../access/raw-sql';
import { tableOf } from '../../../../../database/tables';
import { cachesAreCoherent, sharedCache } from '../../../../../cache/bus';
import { staticDocumentLoader } from '../credentials/contexts';
import { credentialsTable } from '../credentials/credentials-table';
import {
  bitstringStatusList,
  dataIntegrity,
  eddsaRdfc2022,
  verifiableCredentials,
  type JsonObject,
} from '../credentials/libraries';
import { publishedKeys, signingKeys, type SigningKeys } from '../credentials/signing-keys';
import { didDocument, didWebOf } from '../rules/did-web';
import { openBadgeCredential } from '../rules/open-badge';
import { STATUS_LIST_LENGTH, statusEntryOf } from '../rules/status-index';
import { isWellFormedCode } from '../rules/certificate-code';

const CERTIFICATE = 'plugin::certificates.certificate';

/** A document as served: its JSON text and its ETag. */
export interface ServedDocument {
  body: string;
  etag: string;
}

const served = (body: string, digest = createHash('sha256').update(body).digest('hex')): ServedDocument => ({
  body,
  etag: `"${digest.slice(0, 32)}"`,
});

/**
 * How long a status list answer is kept before its bits are read again: a revocation shows within this on every
 * instance (the contract says 5 s), and at once on the instance that revoked (the cache bus drops it everywhere
 * when Redis connects them).
 */
export const STATUS_LIST_FRESH_MS = 2_000;

interface StatusListEntry {
  encodedList: string;
  document: ServedDocument;
  checkedAt: number;
}
const statusLists = new Map<string, StatusListEntry>();
const refreshing = new Map<string, Promise<StatusListEntry | null>>();
const statusListCache = sharedCache('credential-status-lists', {
  forget: (key) => statusLists.delete(key),
  forgetAll: () => statusLists.clear(),
});

const didDocuments = new Map<string, ServedDocument>();

/**
 * Stored credentials by certificate code, as served. A stored credential never changes (a revocation shows in the
 * status list); whatever replaces one (an erasure) drops it here and, through the cache bus, on every instance.
 */
const storedCredentials = new LRUCache<string, ServedDocument>({ max: 10_000 });
const storedCredentialCache = sharedCache('stored-credentials', {
  forget: (code) => storedCredentials.delete(code),
  forgetAll: () => storedCredentials.clear(),
});

/** The DataIntegrityProof suite (eddsa-rdfc-2022) that signs with the key. */
function signingSuite(keys: SigningKeys) {
  const { DataIntegrityProof } = dataIntegrity();
  return new DataIntegrityProof({ signer: keys.signing.signer(), cryptosuite: eddsaRdfc2022().cryptosuite });
}

async function sign(credential: JsonObject, keys: SigningKeys): Promise<JsonObject> {
  return verifiableCredentials().issue({
    credential,
    suite: signingSuite(keys),
    documentLoader: staticDocumentLoader(),
  });
}

const courseOfKey = (key: string) => key.slice(key.indexOf(':') + 1);

/**
 * Open Badges 3.0 credentials of certificates: signed once by a job (credential-job.ts) and stored, served as
 * stored; the issuer's DID document; the Bitstring Status Lists that publish revocations. README "Certificates".
 */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** This server's public URL: PUBLIC_URL, else localhost at the port it listens on (or is configured for). */
  publicUrl(): string {
    const configured = strapi.config.get<string>('server.url', '');
    if (configured) return configured.replace(/\/+$/, '');
    const address = strapi.server?.httpServer?.address() as AddressInfo | string | null | undefined;
    const port = address && typeof address === 'object' ? address.port : strapi.config.get<number>('server.port', 1337);
    return `http://localhost:${port}`;
  },

  issuer(): string {
    return didWebOf(this.publicUrl());
  },

  credentialUrlFor(code: string): string {
    return `${this.publicUrl()}/api/certificates/verify/${encodeURIComponent(code)}/credential`;
  },

  statusListUrlFor(listId: number): string {
    return `${this.publicUrl()}/api/credentials/status/${listId}`;
  },

  /** The DID document (did:web), or null when no signing key is configured. */
  async didDocument(): Promise<ServedDocument | null> {
    const keys = await publishedKeys();
    if (!keys) return null;
    const did = this.issuer();
    const cacheKey = `${did}|${keys.join(',')}`;
    let document = didDocuments.get(cacheKey);
    if (!document) {
      document = served(JSON.stringify(didDocument(did, keys)));
      didDocuments.clear();
      didDocuments.set(cacheKey, document);
    }
    return document;
  },

  /**
   * Signs and stores the credential of a certificate, once: a second call (a retried job, two runners) finds it
   * stored, and of two racing signers the first to store wins. Null when no signing key is configured or the
   * certificate is gone.
   */
  async signFor(certificateId: number): Promise<ServedDocument | null> {
    const table = credentialsTable(strapi);
    const stored = await runSql<{ credential: string | null; digest: string | null }>(
      strapi,
      'SELECT credential, digest FROM ?? WHERE certificate_id = ?',
      [table, certificateId]
    );
    if (stored.rows[0]?.credential) return served(stored.rows[0].credential, stored.rows[0].digest ?? undefined);
    const did = this.issuer();
    const keys = await signingKeys(did);
    if (!keys) return null;
    const certificates = await runSql<Record<string, unknown>>(
      strapi,
      `SELECT id, "key", code, student_name, course_title, teacher_names, final_percent, issued_at
       FROM ?? WHERE id = ?`,
      [tableOf(strapi, CERTIFICATE), certificateId]
    );
    const certificate = certificates.rows[0];
    if (!certificate) return null;

    // The row first: its id places the revocation bit. A second signer finds the row and uses the same place.
    await runSql(
      strapi,
      'INSERT INTO ?? (certificate_id, created_at) VALUES (?, ?) ON CONFLICT (certificate_id) DO NOTHING',
      [table, certificateId, Date.now()]
    );
    const row = await runSql<{ id: unknown }>(strapi, 'SELECT id FROM ?? WHERE certificate_id = ?', [
      table,
      certificateId,
    ]);
    const { listId, index } = statusEntryOf(Number(row.rows[0].id));
    const credential = openBadgeCredential(
      {
        code: String(certificate.code),
        studentName: String(certificate.student_name ?? ''),
        courseTitle: String(certificate.course_title ?? ''),
        courseDocumentId: courseOfKey(String(certificate.key)),
        teacherNames: (certificate.teacher_names as string | null) ?? null,
        finalPercent:
          certificate.final_percent === null || certificate.final_percent === undefined
            ? null
            : Number(certificate.final_percent),
        issuedAt: toIsoOrNull(certificate.issued_at) ?? new Date().toISOString(),
      },
      {
        publicUrl: this.publicUrl(),
        issuer: did,
        credentialUrl: this.credentialUrlFor(String(certificate.code)),
        statusListUrl: this.statusListUrlFor(listId),
        statusListIndex: index,
      }
    );
    const body = JSON.stringify(await sign(credential, keys));
    const digest = createHash('sha256').update(body).digest('hex');
    await runSql(
      strapi,
      `UPDATE ?? SET list_id = ?, list_index = ?, credential = ?, digest = ?, verification_method = ?, signed_at = ?
       WHERE certificate_id = ? AND credential IS NULL`,
      [table, listId, index, body, digest, keys.signing.id, Date.now(), certificateId]
    );
    const final = await runSql<{ credential: string; digest: string }>(
      strapi,
      'SELECT credential, digest FROM ?? WHERE certificate_id = ?',
      [table, certificateId]
    );
    return served(final.rows[0].credential, final.rows[0].digest);
  },

  /** The stored credential of a certificate code; `missing` when the certificate exists but is not signed yet. */
  async credentialByCode(code: unknown): Promise<ServedDocument | { missing: number } | null> {
    if (!isWellFormedCode(code)) return null;
    // While the cache bus is away a drop made elsewhere would be missed: read the database.
    const remembered = cachesAreCoherent() ? storedCredentials.get(code) : undefined;
    if (remembered) return remembered;
    const { rows } = await runSql<{ id: unknown; credential: string | null; digest: string | null }>(
      strapi,
      `SELECT c.id, cc.credential, cc.digest FROM ?? c LEFT JOIN ?? cc ON cc.certificate_id = c.id WHERE c.code = ?`,
      [tableOf(strapi, CERTIFICATE), credentialsTable(strapi), code]
    );
    const row = rows[0];
    if (!row) return null;
    if (!row.credential) return { missing: Number(row.id) };
    const document = served(row.credential, row.digest ?? undefined);
    storedCredentials.set(code, document);
    return document;
  },

  /** A stored credential was replaced or removed (an erasure): no instance serves the old one any more. */
  forgetStoredCredential(code: string): void {
    storedCredentialCache.forget(code);
  },

  /**
   * Drops every stored credential whose text contains one of these names (an erased holder's or teacher's), in the
   * caller's transaction. Each keeps its place in the status list; the next fetch, or the backfill, signs it again
   * from the certificate as it now reads ("Erased holder"). Answers how many were dropped.
   */
  async dropCredentialsNaming(names: string[]): Promise<number> {
    let dropped = 0;
    for (const name of names) {
      const { count } = await runSql(
        strapi,
        `UPDATE ?? SET credential = NULL, digest = NULL, signed_at = NULL WHERE credential LIKE ? ESCAPE '\\'`,
        // As the stored JSON text writes the name (its quotes and backslashes escaped).
        [
          credentialsTable(strapi),
          `%${JSON.stringify(name)
            .slice(1, -1)
            .replace(/[\\%_]/g, (char) => `\\${char}`)}%`,
        ]
      );
      dropped += count;
    }
    if (dropped > 0) storedCredentialCache.forgetAll();
    return dropped;
  },

  /** Certificates without a stored credential, oldest first (the backfill). */
  async certificatesWithoutCredential(limit: number): Promise<number[]> {
    const { rows } = await runSql<{ id: unknown }>(
      strapi,
      `SELECT c.id FROM ?? c WHERE NOT EXISTS (SELECT 1 FROM ?? cc WHERE cc.certificate_id = c.id AND cc.credential IS NOT NULL)
       ORDER BY c.id LIMIT ?`,
      [tableOf(strapi, CERTIFICATE), credentialsTable(strapi), limit]
    );
    return rows.map((row) => Number(row.id));
  },

  /**
   * The signed BitstringStatusListCredential of a list, or null for a list no credential uses (or no key). Its bits
   * are read again once STATUS_LIST_FRESH_MS have passed; it is signed again only when they changed, so an unchanged
   * list keeps its ETag.
   */
  async statusList(listId: number): Promise<ServedDocument | null> {
    const did = this.issuer();
    const cacheKey = `${did}|${listId}`;
    const cached = statusLists.get(cacheKey);
    if (cached && Date.now() - cached.checkedAt < STATUS_LIST_FRESH_MS) return cached.document;
    let pending = refreshing.get(cacheKey);
    if (!pending) {
      pending = this.refreshStatusList(listId, did, cached).finally(() => refreshing.delete(cacheKey));
      refreshing.set(cacheKey, pending);
    }
    const entry = await pending;
    return entry?.document ?? null;
  },

  async refreshStatusList(listId: number, did: string, cached: StatusListEntry | undefined) {
    const checkedAt = Date.now();
    const keys = await signingKeys(did);
    if (!keys) return null;
    const cacheKey = `${did}|${listId}`;
    const table = credentialsTable(strapi);
    const used = await runSql(strapi, 'SELECT 1 AS used FROM ?? WHERE list_id = ? LIMIT 1', [table, listId]);
    if (used.rows.length === 0) {
      statusLists.delete(cacheKey);
      return null;
    }
    // A credential whose certificate was revoked, or deleted, is revoked.
    const revoked = await runSql<{ list_index: unknown }>(
      strapi,
      `SELECT cc.list_index FROM ?? cc LEFT JOIN ?? c ON c.id = cc.certificate_id
       WHERE cc.list_id = ? AND cc.credential IS NOT NULL AND (c.id IS NULL OR c.status = 'revoked')`,
      [table, tableOf(strapi, CERTIFICATE), listId]
    );
    const statusListLibrary = bitstringStatusList();
    const list = await statusListLibrary.createList({ length: STATUS_LIST_LENGTH });
    for (const row of revoked.rows) list.setStatus(Number(row.list_index), true);
    const encodedList = await list.encode();
    if (cached && cached.encodedList === encodedList) {
      const entry = { ...cached, checkedAt };
      statusLists.set(cacheKey, entry);
      return entry;
    }
    const url = this.statusListUrlFor(listId);
    const unsigned = await statusListLibrary.createCredential({ id: url, list, statusPurpose: 'revocation' });
    const credential = { ...unsigned, issuer: did, validFrom: new Date(checkedAt).toISOString() };
    const document = served(JSON.stringify(await sign(credential, keys)));
    const entry = { encodedList, document, checkedAt };
    statusLists.set(cacheKey, entry);
    return entry;
  },

  /** A revocation (or an erasure, a deletion) changed some list: every instance reads its bits again. */
  forgetStatusLists(): void {
    statusListCache.forgetAll();
  },
});

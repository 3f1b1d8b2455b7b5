import { contextPackages, type DocumentLoader, type RemoteDocument } from './libraries';

/**
 * The JSON-LD contexts Lyceum's credentials use, shipped in npm packages and served from memory: the W3C
 * Verifiable Credentials 2.0 context, Open Badges 3.0, Data Integrity, Multikey and the Bitstring Status List. Nothing
 * is ever fetched from the network: a URL that is neither one of these nor one of `documents` is refused, so signing
 * and checking give the same answer offline, and a credential cannot make the server fetch an address it names.
 */

export const VC_V2_CONTEXT = 'https://www.w3.org/ns/credentials/v2';
export const OPEN_BADGES_V3_CONTEXT = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';
export const MULTIKEY_CONTEXT = 'https://w3id.org/security/multikey/v1';
export const DID_V1_CONTEXT = 'https://www.w3.org/ns/did/v1';

let shipped: Map<string, unknown> | undefined;

/** Every context the packages ship, by URL (read once). */
export function shippedContexts(): Map<string, unknown> {
  if (!shipped) {
    shipped = new Map();
    for (const contextPackage of contextPackages())
      for (const [url, document] of contextPackage.contexts) shipped.set(url, document);
    for (const url of [VC_V2_CONTEXT, OPEN_BADGES_V3_CONTEXT, MULTIKEY_CONTEXT])
      if (!shipped.has(url)) throw new Error(`credentials: the context ${url} is missing from the installed packages`);
  }
  return shipped;
}

export class RefusedDocumentError extends Error {
  constructor(url: string) {
    super(`Refused to load ${JSON.stringify(String(url).slice(0, 200))}: not a document Lyceum ships or knows`);
    this.name = 'RefusedDocumentError';
  }
}

/**
 * A document loader over the shipped contexts and `documents` (a DID document, its keys, a status list: whatever
 * the caller already holds). Anything else is refused, never fetched.
 */
export function staticDocumentLoader(documents: ReadonlyMap<string, unknown> = new Map()): DocumentLoader {
  const contexts = shippedContexts();
  return async (url: string): Promise<RemoteDocument> => {
    const document = documents.get(url) ?? contexts.get(url);
    if (document === undefined) throw new RefusedDocumentError(url);
    return { contextUrl: null, documentUrl: url, document };
  };
}

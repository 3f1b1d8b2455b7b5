/**
 * The issuer's identifier: `did:web` of the server's public URL (W3C did:web method). The host's port colon is
 * percent-encoded (`http://localhost:1337` → `did:web:localhost%3A1337`) and a path's segments become further
 * `:`-separated parts; a resolver reads the document at `https://<host>/.well-known/did.json` (no path) or
 * `https://<host>/<path>/did.json`. Pure.
 */
export function didWebOf(publicUrl: string): string {
  const url = new URL(publicUrl);
  const host = url.port ? `${url.hostname}%3A${url.port}` : url.hostname;
  const segments = url.pathname
    .split('/')
    .filter(Boolean)
    .map((segment) => encodeURIComponent(decodeURIComponent(segment)));
  return ['did:web', host, ...segments].join(':');
}

/** A verification method's id: the DID and the key's own multibase as fragment, unique for every key ever used. */
export const verificationMethodId = (did: string, publicKeyMultibase: string) => `${did}#${publicKeyMultibase}`;

/**
 * The DID document: the current key and every previous one, each a `Multikey` with `publicKeyMultibase`, all allowed
 * to assert credentials, so a credential signed before a rotation still verifies.
 */
export function didDocument(did: string, publicKeys: readonly string[]) {
  const methods = publicKeys.map((publicKeyMultibase) => ({
    id: verificationMethodId(did, publicKeyMultibase),
    type: 'Multikey',
    controller: did,
    publicKeyMultibase,
  }));
  return {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
    id: did,
    verificationMethod: methods,
    assertionMethod: methods.map((method) => method.id),
  };
}

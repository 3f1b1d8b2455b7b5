import fs from 'fs';
import os from 'os';
import path from 'path';
import type { AddressInfo } from 'net';
// s3rver ships no types; the little used here is typed below.
const S3rver = require('s3rver') as new (options: Record<string, unknown>) => {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
};

export interface LocalS3 {
  endpoint: string;
  bucket: string;
  directory: string;
  /** The keys stored in the bucket, read from s3rver's directory. */
  keys(): string[];
  stop(): Promise<void>;
}

/** An S3-compatible server on a random local port with one empty bucket, its data in a throwaway folder. */
export async function startLocalS3(bucket = 'lyceum-test'): Promise<LocalS3> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'lyceum-s3-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket }],
  });
  const { port } = await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    directory,
    keys: () =>
      fs
        .readdirSync(path.join(directory, bucket), { recursive: true } as any)
        .map(String)
        .filter(
          (name) =>
            !name.endsWith('._S3rver_metadata.json') &&
            !name.endsWith('._S3rver_object.md5') &&
            fs.statSync(path.join(directory, bucket, name)).isFile()
        )
        .map((name) => name.replace(/\._S3rver_object$/, '')),
    async stop() {
      await server.close();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}

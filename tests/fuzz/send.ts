import http from 'http';
import qs from 'qs';
import { PNG } from '../helpers/sample-files';
import type { FuzzRequest } from './generators/requests';
import type { Answer } from './oracle';
import type { World } from './world';

/**
 * Sends a generated request with Node's own http client: the path goes out byte for byte (a raw `%` or a
 * malformed escape included), which supertest's URL handling would refuse or repair before the server sees it.
 */
export const REQUEST_TIMEOUT_MS = 30_000;

// Connections are kept open between requests (much faster on this scale), and closed when the file ends.
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
export const closeConnections = () => agent.destroy();

function encodeBody(request: FuzzRequest): { contentType?: string; payload?: Buffer } {
  const body = request.body;
  if (!body) return {};
  if (body.kind === 'json')
    return body.value === undefined
      ? {}
      : { contentType: 'application/json', payload: Buffer.from(JSON.stringify(body.value)) };
  if (body.kind === 'raw') return { contentType: body.contentType, payload: Buffer.from(body.text) };
  const boundary = 'fuzzboundary7MA4YWxkTrZu0gW';
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(body.fields)) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${name.replace(/"/g, '%22')}"\r\n\r\n${value}\r\n`
      )
    );
  }
  if (body.file) {
    const bytes =
      body.file.bytes === 'png' ? PNG : body.file.bytes === 'text' ? Buffer.from('Some notes\n') : Buffer.alloc(0);
    const filename = body.file.filename.replace(/["\r\n]/g, '_');
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${filename}"\r\nContent-Type: ${body.file.contentType}\r\n\r\n`
      ),
      bytes,
      Buffer.from('\r\n')
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { contentType: `multipart/form-data; boundary=${boundary}`, payload: Buffer.concat(parts) };
}

export async function send(baseUrl: string, world: World, request: FuzzRequest, prefix = '/api'): Promise<Answer> {
  try {
    return await sendOnce(baseUrl, world, request, prefix);
  } catch (error) {
    // A kept-alive connection the server closed as idle (after its 5 s keep-alive timeout) just as this request
    // went out on it: the server never read the request, so it is sent again once (Node's documented remedy).
    if (!(error instanceof Error && (error as { reusedSocket?: boolean }).reusedSocket)) throw error;
    return sendOnce(baseUrl, world, request, prefix);
  }
}

function sendOnce(baseUrl: string, world: World, request: FuzzRequest, prefix: string): Promise<Answer> {
  const { hostname, port } = new URL(baseUrl);
  const { contentType, payload } = encodeBody(request);
  const headers: Record<string, string | number> = { ...world.headers[request.actor], Accept: 'application/json' };
  if (contentType) headers['Content-Type'] = contentType;
  if (payload) headers['Content-Length'] = payload.length;
  return new Promise<Answer>((resolve, reject) => {
    const outgoing = http.request(
      {
        agent,
        hostname,
        port,
        method: request.method,
        path: prefix + request.url,
        headers,
        timeout: REQUEST_TIMEOUT_MS,
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('end', () => {
          const type = String(incoming.headers['content-type'] ?? '');
          const text = /json|text|xml|html|csv/.test(type) || !type ? Buffer.concat(chunks).toString('utf8') : '';
          let body: unknown = text;
          if (/json/.test(type)) {
            try {
              body = JSON.parse(text);
            } catch {
              body = text;
            }
          }
          resolve({ status: incoming.statusCode ?? 0, text, body });
        });
        incoming.on('error', reject);
      }
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS / 1000} s`)));
    outgoing.on('error', (error: NodeJS.ErrnoException) => {
      if (outgoing.reusedSocket && error.code === 'ECONNRESET') Object.assign(error, { reusedSocket: true });
      reject(error);
    });
    if (payload) outgoing.write(payload);
    outgoing.end();
  });
}

function stringsOf(value: unknown, into: string[], depth = 0): void {
  if (depth > 40 || value === null || value === undefined) return;
  if (typeof value !== 'object') {
    into.push(String(value));
    return;
  }
  for (const [key, item] of Object.entries(value)) {
    into.push(key);
    stringsOf(item, into, depth + 1);
  }
}

/** Every string the request carried, decoded, so that an answer echoing one back is not taken for a leak. */
export function sentStrings(request: FuzzRequest): string[] {
  const strings = [request.url];
  const [path, query = ''] = request.url.split('?');
  for (const piece of [path, query, ...path.split('/')]) {
    try {
      strings.push(decodeURIComponent(piece));
    } catch {
      // a malformed escape: the raw form is already listed
    }
  }
  try {
    stringsOf(qs.parse(query, { depth: 50, arrayLimit: 2_000 }), strings);
  } catch {
    // unparseable: the raw query is listed
  }
  const body = request.body;
  if (body?.kind === 'json') stringsOf(body.value, strings);
  if (body?.kind === 'raw') strings.push(body.text);
  if (body?.kind === 'multipart') {
    stringsOf(body.fields, strings);
    for (const value of Object.values(body.fields)) {
      try {
        stringsOf(JSON.parse(value), strings);
      } catch {
        // not JSON
      }
    }
    if (body.file) strings.push(body.file.filename);
  }
  return strings;
}

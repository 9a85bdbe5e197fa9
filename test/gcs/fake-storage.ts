/**
 * A local fake of the Cloud Storage JSON API endpoints that @google-cloud/storage 7 uses, in
 * memory, so tests drive the real client end to end: object listings (prefix, delimiter,
 * startOffset/endOffset, paged with nextPageToken), multipart uploads (answered with the CRC32C
 * the client checks), deletes, and the error bodies of a missing bucket or a denied permission.
 * With STORAGE_EMULATOR_HOST the client sends paths without `/storage/v1`; both are accepted.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import { CRC32C } from '@google-cloud/storage';

export interface StorageRequest {
  readonly method: string;
  /** Percent-decoded path, without the query string. */
  readonly path: string;
  readonly query: Record<string, string>;
}

export interface FakeObject {
  readonly name: string;
  readonly content: Buffer;
  /** ms since the epoch. */
  readonly updated: number;
  readonly generation: number;
}

export interface FakeStorage {
  /** `http://127.0.0.1:PORT`: the value of STORAGE_EMULATOR_HOST. */
  readonly url: string;
  /** Every request, in order. */
  readonly requests: StorageRequest[];
  createBucket(name: string): void;
  /** Stores an object directly, updated at `updated` (default: now). */
  putObject(bucket: string, name: string, content: string, updated?: number): void;
  /** Names in a bucket, sorted. */
  names(bucket: string): string[];
  object(bucket: string, name: string): FakeObject | undefined;
  /** Lists of this bucket are refused with 403, naming storage.objects.list, as for an account without it. */
  deny(bucket: string): void;
  /** Most objects (and prefixes) per listing page; a smaller `maxResults` from the client wins. */
  pageSize: number;
  close(): Promise<void>;
}

class StorageError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/** Starts the fake on 127.0.0.1 with an ephemeral port. */
export async function startFakeStorage(): Promise<FakeStorage> {
  const buckets = new Map<string, Map<string, FakeObject>>();
  const denied = new Set<string>();
  const requests: StorageRequest[] = [];
  let generation = 1;

  const bucketOf = (name: string) => {
    const bucket = buckets.get(name);
    if (!bucket) throw new StorageError(404, 'notFound', 'The specified bucket does not exist.');
    return bucket;
  };
  const store = (bucket: string, name: string, content: Buffer, updated = Date.now()): FakeObject => {
    const object = { name, content, updated, generation: generation++ };
    bucketOf(bucket).set(name, object);
    return object;
  };

  const list = (bucketName: string, query: Record<string, string>) => {
    if (denied.has(bucketName)) {
      throw new StorageError(
        403,
        'forbidden',
        `bftask-test@example.iam.gserviceaccount.com does not have storage.objects.list access to the Google Cloud Storage bucket. ` +
          `Permission 'storage.objects.list' denied on resource (or it may not exist).`,
      );
    }
    const bucket = bucketOf(bucketName);
    const prefix = query.prefix ?? '';
    const delimiter = query.delimiter;
    // Objects and folder prefixes in name order, each listed once, within the offsets.
    const entries: { name: string; object?: FakeObject }[] = [];
    const prefixes = new Set<string>();
    for (const name of [...bucket.keys()].sort()) {
      if (!name.startsWith(prefix)) continue;
      if (query.startOffset !== undefined && name < query.startOffset) continue;
      if (query.endOffset !== undefined && name >= query.endOffset) continue;
      const cut = delimiter ? name.indexOf(delimiter, prefix.length) : -1;
      if (cut >= 0) {
        const folder = name.slice(0, cut + delimiter!.length);
        if (!prefixes.has(folder)) entries.push({ name: folder });
        prefixes.add(folder);
      } else entries.push({ name, object: bucket.get(name)! });
    }
    const from = query.pageToken ? entries.findIndex((e) => e.name > Buffer.from(query.pageToken!, 'base64url').toString()) : 0;
    const size = Math.min(fake.pageSize, query.maxResults ? Number(query.maxResults) : Infinity);
    const page = from < 0 ? [] : entries.slice(from, from + size);
    const more = from >= 0 && from + size < entries.length;
    const items = page.filter((e) => e.object).map((e) => resource(bucketName, e.object!));
    const folders = page.filter((e) => !e.object).map((e) => e.name);
    return {
      kind: 'storage#objects',
      ...(items.length > 0 ? { items } : {}),
      ...(folders.length > 0 ? { prefixes: folders } : {}),
      ...(more ? { nextPageToken: Buffer.from(page[page.length - 1]!.name).toString('base64url') } : {}),
    };
  };

  const upload = (bucketName: string, query: Record<string, string>, contentType: string, body: Buffer) => {
    const boundary = /boundary=([^;]+)/.exec(contentType)?.[1];
    if (query.uploadType !== 'multipart' || !boundary) {
      throw new StorageError(400, 'invalid', 'The fake Cloud Storage server takes multipart uploads only (save with resumable: false)');
    }
    const parts = body.toString('latin1').split(`--${boundary}`).slice(1, -1);
    const [metadataPart, mediaPart] = parts.map((p) => p.slice(p.indexOf('\r\n\r\n') + 4, p.length - 2));
    if (metadataPart === undefined || mediaPart === undefined) throw new StorageError(400, 'invalid', 'A multipart upload needs metadata and media');
    const metadata = JSON.parse(metadataPart) as { name?: string };
    const name = query.name ?? metadata.name;
    if (!name) throw new StorageError(400, 'required', 'Required: object name');
    return resource(bucketName, store(bucketName, name, Buffer.from(mediaPart, 'latin1')));
  };

  const route = (method: string, path: string, query: Record<string, string>, contentType: string, body: Buffer): unknown => {
    const bare = path.replace(/^\/storage\/v1(?=\/)/, '');
    let m: RegExpExecArray | null;
    if (method === 'GET' && (m = /^\/b\/([^/]+)\/o$/.exec(bare))) return list(m[1]!, query);
    if (method === 'POST' && (m = /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/.exec(path))) return upload(m[1]!, query, contentType, body);
    if (method === 'DELETE' && (m = /^\/b\/([^/]+)\/o\/(.+)$/.exec(bare))) {
      if (!bucketOf(m[1]!).delete(m[2]!)) throw new StorageError(404, 'notFound', `No such object: ${m[1]}/${m[2]}`);
      return undefined;
    }
    if (method === 'GET' && (m = /^\/b\/([^/]+)\/o\/(.+)$/.exec(bare))) {
      const object = bucketOf(m[1]!).get(m[2]!);
      if (!object) throw new StorageError(404, 'notFound', `No such object: ${m[1]}/${m[2]}`);
      return resource(m[1]!, object);
    }
    throw new StorageError(501, 'notImplemented', `The fake Cloud Storage server does not implement ${method} ${path}`);
  };

  const server = http.createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const url = new URL(incoming.url ?? '/', 'http://fake');
      const path = url.pathname.split('/').map(decodeURIComponent).join('/');
      const query = Object.fromEntries(url.searchParams);
      requests.push({ method: incoming.method ?? 'GET', path, query });
      let status = 200;
      let reply: unknown;
      try {
        reply = route(incoming.method ?? 'GET', path, query, incoming.headers['content-type'] ?? '', Buffer.concat(chunks));
        if (reply === undefined) status = 204;
      } catch (e) {
        const error = e instanceof StorageError ? e : new StorageError(500, 'backendError', `Internal error in the fake: ${String(e)}`);
        status = error.status;
        // The client reads `message` from each entry of `errors`; without it the message is "Multiple errors occurred".
        reply = { error: { code: error.status, message: error.message, errors: [{ message: error.message, domain: 'global', reason: error.reason }] } };
      }
      outgoing.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
      outgoing.end(reply === undefined ? '' : JSON.stringify(reply));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const fake: FakeStorage = {
    url: `http://127.0.0.1:${port}`,
    requests,
    pageSize: 1000,
    createBucket: (name) => void buckets.set(name, buckets.get(name) ?? new Map()),
    putObject: (bucket, name, content, updated) => void store(bucket, name, Buffer.from(content), updated),
    names: (bucket) => [...bucketOf(bucket).keys()].sort(),
    object: (bucket, name) => buckets.get(bucket)?.get(name),
    deny: (bucket) => void denied.add(bucket),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return fake;
}

/** The object resource as the JSON API returns it. */
function resource(bucket: string, object: FakeObject) {
  return {
    kind: 'storage#object',
    id: `${bucket}/${object.name}/${object.generation}`,
    name: object.name,
    bucket,
    generation: String(object.generation),
    size: String(object.content.length),
    updated: new Date(object.updated).toISOString(),
    md5Hash: createHash('md5').update(object.content).digest('base64'),
    crc32c: crc32c(object.content),
  };
}

function crc32c(content: Buffer): string {
  const hash = new CRC32C();
  hash.update(content);
  return hash.toString();
}

/**
 * Coverage of a target that writes one Cloud Storage object per date
 * (`files: 'gs://bucket/v1/results/{date}.json'`): one listing of the name's fixed prefix per
 * target, paged by the client, never one request per object — a bucket of 918 exports is a
 * page, not 918 round trips. The listing is bounded to the range's names (`startOffset`,
 * `endOffset`), so the check after a step lists only the step's dates.
 *
 * Application Default Credentials, checked before the first request; with STORAGE_EMULATOR_HOST
 * (the client library's own convention) requests go there, with no credentials and no probe of
 * the metadata server.
 */
import type { Storage } from '@google-cloud/storage';
import type { Range } from '../config/config.js';
import type { IsoDate } from '../config/types.js';
import { addDays } from '../util/dates.js';
import { FatalError, UsageError } from '../util/errors.js';
import type { DateFacts } from '../warehouse/warehouse.js';
import { dateMatcher, type ObjectPattern } from './pattern.js';

/** An object as the listing returns it: only the fields asked for. */
interface Listed {
  readonly name?: string;
  readonly updated?: string;
}

let client: Promise<Storage> | undefined;

/** One client per process, created on first use (loading the library takes a few tenths of a second) with its credentials found. */
function storage(): Promise<Storage> {
  client ??= (async () => {
    const { Storage } = await import('@google-cloud/storage');
    const made = new Storage();
    if (!process.env.STORAGE_EMULATOR_HOST) {
      // Without credentials the library would send each listing unsigned and retry what the
      // network says for a minute: find them first, and stop in one line.
      try {
        await made.authClient.getAccessToken();
      } catch (error) {
        throw new UsageError(`no Google credentials (${firstLine(error)}): run \`gcloud auth application-default login\` or set GOOGLE_APPLICATION_CREDENTIALS`);
      }
    }
    return made;
  })();
  return client;
}

/**
 * The present dates among `dates` (those within `range`), each with its object's update time:
 * the build time for staleness.
 */
export async function readObjects(target: string, output: ObjectPattern & { readonly pattern: string }, range: Range, dates: ReadonlySet<IsoDate>): Promise<Map<IsoDate, DateFacts>> {
  let made: Storage;
  try {
    made = await storage();
  } catch (error) {
    // Each target asks for the client: the one whose error is shown names its bucket.
    throw new UsageError(`targets.${target}: gs://${output.bucket}: ${firstLine(error)}`);
  }
  const bucket = made.bucket(output.bucket);
  const match = dateMatcher(output.name);
  const rest = output.name.slice(output.prefix.length + '{date}'.length);
  let listed: Listed[];
  try {
    [listed] = (await bucket.getFiles({
      prefix: output.prefix,
      // Names sort by date after the prefix: only the range's are listed.
      startOffset: `${output.prefix}${range.start}`,
      endOffset: `${output.prefix}${addDays(range.end, 1)}`,
      // Objects in sub-folders cannot match when the pattern has none after {date}: leave them out.
      ...(rest.includes('/') ? {} : { delimiter: '/' }),
      fields: 'items(name,updated),nextPageToken',
      autoPaginate: true,
    })) as unknown as [Listed[]];
  } catch (error) {
    throw explain(error, target, output);
  }
  const present = new Map<IsoDate, DateFacts>();
  for (const object of listed) {
    const date = object.name === undefined ? undefined : match(object.name);
    if (date === undefined || !dates.has(date)) continue;
    const modified = object.updated === undefined ? Number.NaN : Date.parse(object.updated);
    present.set(date, { modified: Number.isFinite(modified) ? modified : undefined });
  }
  return present;
}

/** One line naming the bucket: exit 2 for what the config or the account must fix, else exit 1. */
function explain(error: unknown, target: string, output: ObjectPattern): Error {
  const e = (error ?? {}) as { code?: unknown; message?: unknown };
  const code = Number(e.code);
  const where = `targets.${target}: gs://${output.bucket}`;
  if (code === 404) return new UsageError(`${where} does not exist (${firstLine(error)})`);
  if (code === 403) {
    const permission = /storage\.[a-z]+\.[a-zA-Z]+/.exec(String(e.message))?.[0] ?? 'storage.objects.list';
    return new UsageError(`${where}: access denied: needs ${permission} (${firstLine(error)})`);
  }
  if (code === 401) return new UsageError(`${where}: not authorized (${firstLine(error)}): check the credentials`);
  return new FatalError(`${where}: listing ${output.prefix || '/'} failed: ${firstLine(error)}`);
}

const firstLine = (error: unknown): string => (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';

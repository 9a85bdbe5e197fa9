// Shapes and value codecs shared by the fake BigQuery server: how values travel
// on the REST wire, how they are stored in SQLite, and how errors look.

/** One request as the fake received it. */
export interface RecordedRequest {
  method: string;
  /** URL path without the query string, percent-decoded (keeps a `/bigquery/v2` prefix if sent). */
  path: string;
  query: Record<string, string>;
  /** Parsed JSON body, the raw text if it was not JSON, or undefined when empty. */
  body: unknown;
}

export type FieldMode = 'NULLABLE' | 'REQUIRED' | 'REPEATED';

/** A column as callers declare it; `type` may use standard-SQL or legacy names. */
export interface FieldInput {
  name: string;
  type: string;
  mode?: FieldMode;
}

/** A column as the REST API reports it: legacy type names, mode always present. */
export interface Field {
  name: string;
  type: string;
  mode: FieldMode;
}

/** An expected failure that the server turns into a BigQuery error body. */
export class BqError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  501: 'NOT_IMPLEMENTED',
  503: 'UNAVAILABLE',
};

/** The JSON error body BigQuery sends; the client reads `code` and `errors[].reason`. */
export function errorBody(status: number, reason: string, message: string) {
  return {
    error: {
      code: status,
      message,
      status: STATUS_NAMES[status] ?? 'UNKNOWN',
      errors: [{ reason, message, domain: 'global' }],
    },
  };
}

// The REST API answers with legacy type names (INTEGER, not INT64) in table
// and result schemas, so callers must cope with them; the fake does the same.
const LEGACY_TYPES: Record<string, string> = {
  INT64: 'INTEGER',
  INT: 'INTEGER',
  SMALLINT: 'INTEGER',
  BIGINT: 'INTEGER',
  TINYINT: 'INTEGER',
  BYTEINT: 'INTEGER',
  FLOAT64: 'FLOAT',
  BOOL: 'BOOLEAN',
  STRUCT: 'RECORD',
  DECIMAL: 'NUMERIC',
  BIGDECIMAL: 'BIGNUMERIC',
};

/** Normalises a declared column to what tables.get would report. */
export function toField(input: FieldInput): Field {
  const upper = input.type.toUpperCase();
  return { name: input.name, type: LEGACY_TYPES[upper] ?? upper, mode: input.mode ?? 'NULLABLE' };
}

/** SQLite column type with the right affinity (a STRING column must not turn '20240105' into a number). */
export function sqliteType(field: Field): string {
  if (field.mode === 'REPEATED') return 'TEXT';
  switch (field.type) {
    case 'INTEGER':
    case 'BOOLEAN':
    case 'TIMESTAMP': // stored as microseconds since the epoch
      return 'INTEGER';
    case 'FLOAT':
    case 'NUMERIC':
    case 'BIGNUMERIC':
      return 'REAL';
    case 'BYTES':
      return 'BLOB';
    default:
      return 'TEXT';
  }
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const TS_RE = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|UTC|[+-]\d{2}(?::?\d{2})?)?$/i;

/** Microseconds since the epoch for a BigQuery timestamp literal, or undefined if it is not one. */
export function parseTimestampMicros(text: string): number | undefined {
  const m = TS_RE.exec(text.trim());
  if (!m) return undefined;
  const [, date, hh = '00', mm = '00', ss = '00', frac = '', zone = 'Z'] = m;
  const ms = Date.parse(`${date}T${hh}:${mm}:${ss}Z`);
  if (Number.isNaN(ms)) return undefined;
  let offsetMinutes = 0;
  const z = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
  if (z) offsetMinutes = (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3] ?? 0));
  const micros = Number(frac.padEnd(6, '0').slice(0, 6));
  return (ms - offsetMinutes * 60_000) * 1000 + micros;
}

function dateValue(value: unknown): string {
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  const text = typeof value === 'object' && value !== null && 'value' in value ? String(value.value) : String(value);
  if (!DATE_RE.test(text)) throw new BqError(400, 'invalid', `Invalid date: '${text}'`);
  return text;
}

const DATETIME_RE = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,6})?)?)?$/;

/** A DATETIME as stored: `YYYY-MM-DDTHH:MM:SS[.ffffff]`, which sorts as it compares and is what the REST API returns. */
function datetimeValue(value: unknown): string {
  const text =
    value instanceof Date
      ? value.toISOString().slice(0, -1)
      : typeof value === 'object' && value !== null && 'value' in value
        ? String(value.value)
        : String(value);
  const m = DATETIME_RE.exec(text.trim());
  if (!m) throw new BqError(400, 'invalid', `Invalid datetime: '${text}'`);
  const [, date, hh = '00', mm = '00', ss = '00', frac = ''] = m;
  return `${date}T${hh}:${mm}:${ss}${frac.replace(/\.?0+$/, '')}`;
}

function timestampValue(value: unknown): number {
  if (value instanceof Date) return value.getTime() * 1000;
  if (typeof value === 'number') return Math.trunc(value * 1000); // milliseconds, like Date
  if (typeof value === 'bigint') return Number(value); // microseconds
  const text = typeof value === 'object' && value !== null && 'value' in value ? String(value.value) : String(value);
  const micros = parseTimestampMicros(text);
  if (micros === undefined) throw new BqError(400, 'invalid', `Invalid timestamp: '${text}'`);
  return micros;
}

/** Converts one scalar (a seeded JS value or a parameter value) to its SQLite form for `type`. */
export function toStored(type: string, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'INTEGER': {
      if (typeof value === 'bigint') return value;
      const n = Number(typeof value === 'object' && 'value' in value ? value.value : value);
      if (!Number.isInteger(n)) throw new BqError(400, 'invalid', `Invalid INT64 value: ${String(value)}`);
      return n;
    }
    case 'FLOAT':
    case 'NUMERIC':
    case 'BIGNUMERIC':
      return Number(value);
    case 'BOOLEAN':
      return value === true || value === 'true' || value === 1 ? 1 : 0;
    case 'DATE':
      return dateValue(value);
    case 'TIMESTAMP':
      return timestampValue(value);
    case 'DATETIME':
      return datetimeValue(value);
    case 'JSON':
      return typeof value === 'string' ? value : JSON.stringify(value);
    case 'BYTES':
      return Buffer.isBuffer(value) ? value : Buffer.from(String(value), 'base64');
    default:
      return typeof value === 'object' && 'value' in value ? String(value.value) : String(value);
  }
}

/** Converts a seeded JS value for a whole column (REPEATED columns are stored as JSON arrays). */
export function toStoredField(field: Field, value: unknown): unknown {
  if (field.mode !== 'REPEATED') return toStored(field.type, value);
  if (value === null || value === undefined) return '[]';
  if (!Array.isArray(value)) throw new BqError(400, 'invalid', `Field ${field.name} is REPEATED; expected an array`);
  return JSON.stringify(value.map((item) => toStored(field.type, item)));
}

/** Turns a stored SQLite value back into a plain JS value for assertions. */
export function fromStored(field: Field, value: unknown): unknown {
  if (field.mode === 'REPEATED') {
    const items = typeof value === 'string' ? (JSON.parse(value) as unknown[]) : [];
    return items.map((item) => fromStored({ ...field, mode: 'NULLABLE' }, item));
  }
  if (value === null || value === undefined) return null;
  switch (field.type) {
    case 'BOOLEAN':
      return value === 1 || value === '1' || value === 'true';
    case 'TIMESTAMP': {
      const micros = storedMicros(value);
      return micros === undefined ? value : new Date(Math.floor(micros / 1000)).toISOString();
    }
    case 'INTEGER':
    case 'FLOAT':
      return typeof value === 'string' ? Number(value) : value;
    default:
      return value;
  }
}

function storedMicros(value: unknown): number | undefined {
  if (typeof value === 'number') return Math.trunc(value);
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string') return parseTimestampMicros(value);
  return undefined;
}

/** How TIMESTAMP cells are written: the client asks for int64 microseconds by default. */
export type TimestampFormat = 'int64' | 'float' | 'iso';

function encodeScalar(type: string, value: unknown, ts: TimestampFormat): string | null {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'BOOLEAN':
      return value === 1 || value === '1' || value === true || value === 'true' ? 'true' : 'false';
    case 'TIMESTAMP': {
      const micros = storedMicros(value);
      if (micros === undefined) return String(value);
      if (ts === 'int64') return String(micros);
      if (ts === 'iso') return new Date(Math.floor(micros / 1000)).toISOString();
      return String(micros / 1e6);
    }
    case 'BYTES':
      return Buffer.isBuffer(value) ? value.toString('base64') : String(value);
    default:
      return String(value);
  }
}

/** One REST cell: `{v: string|null}`, or `{v: [{v}, ...]}` for a REPEATED column. */
export function encodeCell(field: Field, value: unknown, ts: TimestampFormat): { v: unknown } {
  if (field.mode === 'REPEATED') {
    const items = typeof value === 'string' ? (JSON.parse(value) as unknown[]) : [];
    return { v: items.map((item) => ({ v: encodeScalar(field.type, item, ts) })) };
  }
  return { v: encodeScalar(field.type, value, ts) };
}

/** Partition id of a stored partition-column value: 'YYYYMMDD' (DAY), 'YYYYMM' (MONTH) or '__NULL__'. */
export function partitionIdOf(value: unknown, type: string, granularity: 'DAY' | 'MONTH'): string {
  if (value === null || value === undefined) return '__NULL__';
  let day: string | undefined;
  if (type === 'TIMESTAMP') {
    const micros = storedMicros(value);
    if (micros !== undefined) day = new Date(Math.floor(micros / 1000)).toISOString().slice(0, 10);
  } else {
    const text = String(value);
    if (/^\d{4}-\d{2}-\d{2}/.test(text)) day = text.slice(0, 10);
  }
  if (day === undefined) return '__UNPARTITIONED__';
  const compact = day.replaceAll('-', '');
  return granularity === 'MONTH' ? compact.slice(0, 6) : compact;
}

/** Rough logical size of a stored value, for numBytes / total_logical_bytes / default estimates. */
export function storedSize(value: unknown): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'string') return 2 + Buffer.byteLength(value);
  if (Buffer.isBuffer(value)) return value.length;
  return 8;
}

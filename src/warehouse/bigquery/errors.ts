/** Turns BigQuery client errors into one line a user can act on. */

export interface Explained {
  readonly message: string;
  /** A configuration problem (exit 2) rather than a passing one. */
  readonly config: boolean;
  /** Worth retrying with backoff: a rate limit, BigQuery's table update quota, or BigQuery busy or unreachable. */
  readonly retry: boolean;
}

/** Reasons BigQuery gives for failures that pass: its docs say to retry them with backoff. */
const TRANSIENT_REASONS = ['backendError', 'internalError'];
/** HTTP answers of a busy or failing service. */
const TRANSIENT_CODES = [408, 429, 500, 502, 503, 504];
/** Connections that broke or timed out on the way (a refused one is a wrong endpoint instead). */
const NETWORK_CODES = ['ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN', 'EPIPE'];

interface ApiError {
  code?: number | string;
  message?: string;
  errors?: { reason?: string; message?: string }[];
  response?: { status?: number };
}

/**
 * What went wrong, what to do, and whether it is the config's fault. `permission` is what the
 * failed call needs, named when BigQuery's own message does not say (not every 403 does).
 */
export function explainBigQueryError(error: unknown, doing: string, permission?: string): Explained {
  const e = (error ?? {}) as ApiError;
  const reasons = (e.errors ?? []).map((x) => x.reason ?? '');
  const text = (error instanceof Error ? error.message : String(e.message ?? error)).split('\n')[0] ?? '';
  const code = Number(e.code ?? e.response?.status);
  const has = (reason: string) => reasons.includes(reason);

  if (/Unable to read the credential file/i.test(text)) {
    const file = /The file at (\S+) does not exist/.exec(text)?.[1];
    return {
      message: `${doing}: GOOGLE_APPLICATION_CREDENTIALS names ${file ?? 'a file'} that cannot be read: fix the path or unset it`,
      config: true,
      retry: false,
    };
  }
  if (
    code === 401 ||
    /default credentials|Could not refresh access token|invalid_grant|Unable to detect a Project Id|authentication credential/i.test(text)
  ) {
    return {
      message: `${doing}: no Google credentials: run \`gcloud auth application-default login\` or set GOOGLE_APPLICATION_CREDENTIALS`,
      config: true,
      retry: false,
    };
  }
  if (has('accessDenied') || code === 403 && /permission|denied/i.test(text)) {
    const needed = /Permission ([\w.]+) denied/i.exec(text)?.[1] ?? /(bigquery\.[\w.]+)/.exec(text)?.[1] ?? permission;
    return {
      message: `${doing}: access denied${needed ? `: needs ${needed}` : ''} (${text})`,
      config: true,
      retry: false,
    };
  }
  if (has('bytesBilledLimitExceeded') || /limit for bytes billed/i.test(text)) {
    const needed = /(\d+) or higher required/.exec(text)?.[1];
    const cap = /bytes billed: (\d+)/.exec(text)?.[1];
    return {
      message:
        `${doing}: the query would bill ${needed ? `at least ${needed} bytes` : 'more'}, over the cap` +
        `${cap ? ` of ${cap}` : ''}: raise warehouse.maximumBytesBilled or narrow the query`,
      config: true,
      retry: false,
    };
  }
  if (has('notFound') || code === 404) {
    return { message: `${doing}: not found: ${text.replace(/^Not found:\s*/i, '')}`, config: true, retry: false };
  }
  if (has('rateLimitExceeded') || /too many table update operations/i.test(text)) {
    return { message: `${doing}: rate limit: ${text}`, config: false, retry: true };
  }
  if (TRANSIENT_REASONS.some(has) || TRANSIENT_CODES.includes(code) || NETWORK_CODES.includes(String(e.code))) {
    return { message: `${doing}: BigQuery failed${Number.isFinite(code) ? ` (HTTP ${code})` : ''}: ${text}`, config: false, retry: true };
  }
  if (has('quotaExceeded')) {
    return {
      message: `${doing}: quota exceeded: ${text.replace(/^Quota exceeded:\s*/i, '')} — wait for the quota to refill, then re-run`,
      config: false,
      retry: false,
    };
  }
  return { message: `${doing}: ${text}`, config: false, retry: false };
}

/** Creates the @google-cloud/bigquery client for a config, with or without credentials. */
import { BigQuery } from '@google-cloud/bigquery';
import { PassThroughClient } from 'google-auth-library';
import type { BigQueryWarehouseConfig } from '../../config/types.js';
import { isLocalEndpoint } from '../../util/endpoints.js';

/**
 * The emulator or test server in use, if any: BIGQUERY_EMULATOR_HOST when set, else
 * `apiEndpoint` — the client library sends every request to BIGQUERY_EMULATOR_HOST even when
 * `apiEndpoint` is given, so credentials and steps must follow the same choice.
 */
export function emulatorEndpoint(config: BigQueryWarehouseConfig, env = process.env): string | undefined {
  return env.BIGQUERY_EMULATOR_HOST || config.apiEndpoint;
}

/**
 * Whether requests go to Google's own endpoint, which always needs credentials. (An emulator
 * elsewhere may need none: the library then sends its requests without a token.)
 */
export function usesGoogle(config: BigQueryWarehouseConfig, env = process.env): boolean {
  return emulatorEndpoint(config, env) === undefined;
}

/**
 * Application Default Credentials in production. An endpoint on this machine gets no
 * credentials at all, so nothing probes the metadata server or asks for a token. The library's
 * own retries are off: bftask retries with its own backoff (retry.ts).
 */
export function createClient(config: BigQueryWarehouseConfig): BigQuery {
  const endpoint = emulatorEndpoint(config);
  const local = endpoint !== undefined && isLocalEndpoint(endpoint);
  return new BigQuery({
    projectId: config.projectId,
    location: config.location,
    autoRetry: false,
    ...(config.apiEndpoint ? { apiEndpoint: config.apiEndpoint } : {}),
    ...(local ? { authClient: new PassThroughClient() } : {}),
  });
}

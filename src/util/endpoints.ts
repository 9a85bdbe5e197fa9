/** Whether an API endpoint (an emulator, a test server) is on this machine. */

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1', '0.0.0.0']);

/** True for `http://127.0.0.1:9050`, `localhost:8123` and the like. */
export function isLocalEndpoint(endpoint: string): boolean {
  try {
    const { hostname } = new URL(endpoint.includes('://') ? endpoint : `http://${endpoint}`);
    return LOCAL_HOSTS.has(hostname) || hostname.startsWith('127.');
  } catch {
    return false;
  }
}

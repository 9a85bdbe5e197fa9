/** Checks `warehouse`: sqlite(path) or bigquery({...}). */
import { didYouMean } from '../util/suggest.js';
import { checkPositive, IDENTIFIER, isRecord, show, type Fail } from './checks.js';
import type { WarehouseConfig } from './types.js';

const BIGQUERY_KEYS = ['kind', 'projectId', 'location', 'dataset', 'maximumBytesBilled', 'labels', 'apiEndpoint', 'maxTableWrites'];
const LABEL = /^[a-z][a-z0-9_-]{0,62}$/;
const LABEL_VALUE = /^[a-z0-9_-]{0,63}$/;

export function checkWarehouse(raw: unknown, fail: Fail): WarehouseConfig | undefined {
  if (!isRecord(raw) || typeof raw.kind !== 'string') {
    fail('warehouse', "must be a warehouse such as sqlite('data/warehouse.db')");
    return undefined;
  }
  if (raw.kind === 'sqlite') {
    if (typeof raw.path !== 'string' || raw.path === '') {
      fail('warehouse', `sqlite() needs a file path, got ${show(raw.path)}`);
      return undefined;
    }
    return { kind: 'sqlite', path: raw.path };
  }
  if (raw.kind === 'bigquery') return checkBigQuery(raw, fail);
  fail('warehouse.kind', `unknown warehouse ${show(raw.kind)}: use sqlite(...) or bigquery(...)`);
  return undefined;
}

function checkBigQuery(raw: Record<string, unknown>, fail: Fail): WarehouseConfig | undefined {
  const before = { count: 0 };
  const note: Fail = (where, message) => {
    before.count++;
    fail(`warehouse.${where}`, message);
  };
  for (const key of Object.keys(raw)) {
    if (!BIGQUERY_KEYS.includes(key)) note(key, `unknown field${didYouMean(key, BIGQUERY_KEYS)}`);
  }
  if (typeof raw.projectId !== 'string' || !/^[a-z][a-z0-9-:.]{3,}[a-z0-9]$/.test(raw.projectId)) {
    note('projectId', `must be a Google Cloud project id, got ${show(raw.projectId)}`);
  }
  if (typeof raw.location !== 'string' || !/^[A-Za-z0-9-]+$/.test(raw.location)) {
    note('location', `must be a BigQuery location such as "US" or "europe-west1", got ${show(raw.location)}`);
  }
  if (raw.dataset !== undefined && (typeof raw.dataset !== 'string' || !IDENTIFIER.test(raw.dataset))) {
    note('dataset', `must be a dataset name, got ${show(raw.dataset)}`);
  }
  checkPositive(raw.maximumBytesBilled, 'maximumBytesBilled', note);
  checkPositive(raw.maxTableWrites, 'maxTableWrites', note);
  if (raw.apiEndpoint !== undefined && (typeof raw.apiEndpoint !== 'string' || !/^https?:\/\/[^\s]+$/.test(raw.apiEndpoint))) {
    note('apiEndpoint', `must be an http(s) URL, got ${show(raw.apiEndpoint)}`);
  }
  if (raw.labels !== undefined) {
    if (!isRecord(raw.labels)) note('labels', `must be an object of strings, got ${show(raw.labels)}`);
    else {
      for (const [key, value] of Object.entries(raw.labels)) {
        if (!LABEL.test(key)) note(`labels.${key}`, 'a label key is lowercase letters, digits, _ and -, starting with a letter');
        else if (typeof value !== 'string' || !LABEL_VALUE.test(value)) {
          note(`labels.${key}`, `a label value is lowercase letters, digits, _ and -, got ${show(value)}`);
        }
      }
    }
  }
  return before.count > 0 ? undefined : (raw as unknown as WarehouseConfig);
}

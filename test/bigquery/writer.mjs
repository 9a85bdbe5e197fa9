// @ts-check
// A stand-in processor that writes through BigQuery, as a user's own command would: it reads
// where to write from the variables bftask gives a step (BIGQUERY_EMULATOR_HOST,
// BFTASK_BIGQUERY_PROJECT, BFTASK_BIGQUERY_LOCATION, BFTASK_DATES) and replaces one day
// partition per date with a WRITE_TRUNCATE query job into `table$YYYYMMDD`, or, with --stream,
// streams its rows with tabledata.insertAll (they stay in the streaming buffer). --skip DATE
// leaves one date unwritten, as a processor with a bug would, and still exits 0.
//   node writer.mjs --table dataset.table [--rows N] [--stream] [--skip DATE]
// Each date gets N rows (default 2): (d, user_id 'u1'..'uN'). writer.log (in the cwd) gets one
// JSON line per run with the dates and the BigQuery variables it saw, so tests count runs.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { BigQuery } from '@google-cloud/bigquery';
import { PassThroughClient } from 'google-auth-library';

const { values } = parseArgs({
  options: { table: { type: 'string' }, rows: { type: 'string' }, stream: { type: 'boolean' }, skip: { type: 'string' } },
});
const env = process.env;
const dates = (env.BFTASK_DATES ?? '').split(',').filter(Boolean);
fs.appendFileSync(
  'writer.log',
  `${JSON.stringify({
    table: values.table,
    dates,
    emulator: env.BIGQUERY_EMULATOR_HOST,
    project: env.BFTASK_BIGQUERY_PROJECT,
    location: env.BFTASK_BIGQUERY_LOCATION,
    credentials: env.GOOGLE_APPLICATION_CREDENTIALS ?? null,
    warehouse: env.BFTASK_WAREHOUSE,
    dataset: env.BFTASK_BIGQUERY_DATASET ?? null,
  })}\n`,
);

const [datasetId, tableId] = String(values.table).split('.');
if (!datasetId || !tableId) throw new Error(`--table must be dataset.table, got ${values.table}`);
// BIGQUERY_EMULATOR_HOST alone points the client at the fake; no credentials are needed for it.
const bq = new BigQuery({ projectId: env.BFTASK_BIGQUERY_PROJECT, location: env.BFTASK_BIGQUERY_LOCATION, authClient: new PassThroughClient() });
const rows = Number(values.rows ?? 2);
const users = Array.from({ length: rows }, (_, i) => `SELECT @d AS d, 'u${i + 1}' AS user_id`);
const toWrite = dates.filter((d) => d !== values.skip);

if (values.stream) {
  await bq.dataset(datasetId).table(tableId).insert(toWrite.flatMap((d) => Array.from({ length: rows }, (_, i) => ({ d, user_id: `u${i + 1}` }))));
  console.log(`streamed ${toWrite.length} dates into ${values.table}`);
  process.exit(0);
}

for (const date of toWrite) {
  const [job] = await bq.createQueryJob({
    query: users.join(' UNION ALL '),
    params: { d: BigQuery.date(date) },
    destination: bq.dataset(datasetId).table(`${tableId}$${date.replaceAll('-', '')}`),
    writeDisposition: 'WRITE_TRUNCATE',
    location: env.BFTASK_BIGQUERY_LOCATION,
    labels: { writer: 'fixture' },
  });
  // Not getQueryResults({ maxResults: 0 }): the library reads 0 as "no limit" and pages forever.
  await job.promise();
  console.log(`wrote ${values.table}$${date.replaceAll('-', '')}`);
}

// Validation of bigquery({...}) through the real CLI: each mistake is exit 2 with the field named,
// found before anything is sent to BigQuery.
import { describe, expect, it } from 'vitest';
import type { CliResult } from '../rig.js';
import { type BigQueryConfigOptions, withRig } from './cli-rig.js';

const EVENTS = `{ events: { table: 'src.events', dateColumn: 'd', run: writer('src.events') } }`;

/** Runs `bftask status` on the config; checks exit 2, one `bftask: ` line per problem, no request. */
async function invalid(config: BigQueryConfigOptions): Promise<string[]> {
  return withRig(config, undefined, async (rig) => {
    const result: CliResult = await rig.bftask(['status']);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stdout).toBe('');
    const lines = result.stderr.split('\n').filter(Boolean);
    for (const line of lines) expect(line).toMatch(/^bftask: backfill\.config\.ts: /);
    expect(rig.fake.requests).toEqual([]);
    return lines;
  });
}

describe.concurrent('bigquery() config validation', () => {
  it('a bad projectId', async () => {
    const lines = await invalid({ targets: EVENTS, projectId: 'My_Project!' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/warehouse\.projectId: .*"My_Project!"/);
  });

  it('a bad label key', async () => {
    const lines = await invalid({ targets: EVENTS, warehouse: `labels: { Team: 'data' }` });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('warehouse.labels.Team: ');
  });

  it('a table without a dataset and no default dataset', async () => {
    const lines = await invalid({ targets: `{ events: { table: 'events', dateColumn: 'd', run: writer('events') } }` });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/targets\.events\.table: "events": .*dataset/);
  });

  it('reports every problem of the warehouse at once', async () => {
    const lines = await invalid({ targets: EVENTS, projectId: 'x', warehouse: `labels: { 'bad key': 'v', ok: 'Bad Value' }, maxTableWrites: 0` });
    const fields = lines.map((l) => /^bftask: backfill\.config\.ts: (.+?): /.exec(l)?.[1]);
    expect(fields.sort()).toEqual(['warehouse.labels.bad key', 'warehouse.labels.ok', 'warehouse.maxTableWrites', 'warehouse.projectId']);
  });
});

// Cloud Storage `files` targets against the fake JSON API, through the real client library.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { shown, withStorageRig } from './rig.js';

const PATTERN = 'gs://exports/v1/results/{date}.json';
const FIELDS = 'fields=items(name,updated),nextPageToken';
/** A listing of the results prefix for the dates start..end (endOffset: the day after). */
const listing = (start: string, after: string, page = '') =>
  `GET /b/exports/o ?delimiter=/&endOffset=v1/results/${after}&${FIELDS}${page}&prefix=v1/results/&startOffset=v1/results/${start}`;

describe.concurrent('Cloud Storage files targets', () => {
  it('read coverage from one paged listing of the prefix, count only names of the pattern, and upload and check the rest', async () => {
    const targets = `{
      exports: { files: '${PATTERN}', run: proc('unused', '--output', '--dump-env', 'env.jsonl') },
      broken: { files: 'gs://exports/v2/{date}.json', run: proc('unused', '--skip-write') },
    }`;
    await withStorageRig(targets, ['exports'], async (rig) => {
      const { fake } = rig;
      fake.pageSize = 2;
      for (const name of ['2024-01-01.json', '2024-01-02.json', 'latest.json', '2024-01-03.json.tmp', '2024-01-04/2024-01-04.json', 'old/2024-01-05.json']) {
        fake.putObject('exports', `v1/results/${name}`, '{}');
      }

      expect(await rig.pending(['exports'])).toEqual({ exports: ['2024-01-03', '2024-01-04', '2024-01-05'] });
      // One listing of the prefix within the range, in two pages (2024-01-01.json, 2024-01-02.json |
      // 2024-01-03.json.tmp, the folder 2024-01-04/), never a request per object.
      const after = (name: string) => `&pageToken=${Buffer.from(`v1/results/${name}`).toString('base64url')}`;
      expect(fake.requests.map(shown)).toEqual([listing('2024-01-01', '2024-01-06'), listing('2024-01-01', '2024-01-06', after('2024-01-02.json'))]);

      const from = fake.requests.length;
      const run = await rig.bftask(['exports']);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const names = ['2024-01-03', '2024-01-04', '2024-01-05'].map((d) => `v1/results/${d}.json`);
      expect(fake.names('exports')).toEqual(expect.arrayContaining(names));
      const made = fake.requests.slice(from).map(shown);
      // Planning lists again (two pages); the step uploads three objects; the check after it
      // lists from its own first date (three pages of two now).
      expect(made.filter((r) => r.startsWith('GET'))).toEqual([
        listing('2024-01-01', '2024-01-06'),
        listing('2024-01-01', '2024-01-06', after('2024-01-02.json')),
        listing('2024-01-03', '2024-01-06'),
        listing('2024-01-03', '2024-01-06', after('2024-01-03.json.tmp')),
        listing('2024-01-03', '2024-01-06', after('2024-01-04/')),
      ]);
      expect(made.filter((r) => !r.startsWith('GET'))).toEqual(
        names.map((n) => `POST /upload/storage/v1/b/exports/o ?name=${n}&uploadType=multipart`),
      );
      // The step was told the pattern.
      const { env } = JSON.parse(fs.readFileSync(path.join(rig.project.dir, 'env.jsonl'), 'utf8')) as { env: Record<string, string> };
      expect(env.BFTASK_OUTPUT).toBe(PATTERN);

      expect(await rig.pending(['exports'])).toEqual({ exports: [] });
      const status = await rig.bftask(['status', 'exports']);
      expect(status.code).toBe(0);
      expect(status.stdout).toMatch(/^\s+exports\s+gs:\/\/exports\/v1\/results\/\{date\}\.json\s+5\s+5\s+0\s+100%/m);

      // A step that uploads nothing fails its check after it.
      const broken = await rig.bftask(['broken']);
      expect(broken.code).toBe(1);
      expect(broken.stdout).toContain('exited 0 but 2024-01-01..2024-01-05 still missing from gs://exports/v2/{date}.json');
    });
  });

  it('take object update times as build times: a newer export makes what reads it stale', async () => {
    const targets = `{
      exports: { files: '${PATTERN}', run: proc('unused', '--output') },
      audit: { table: 'audit_t', dateColumn: 'd', deps: ['exports'], run: proc('audit_t') },
    }`;
    await withStorageRig(targets, ['exports'], async (rig) => {
      expect((await rig.bftask([])).code).toBe(0);
      expect(await rig.pending()).toEqual({ exports: [], audit: [] });
      // Re-exported after audit was built (an hour from now, so no clock can tie).
      rig.fake.putObject('exports', 'v1/results/2024-01-02.json', '{"v":2}', Date.now() + 3_600_000);
      expect(await rig.pending()).toEqual({ exports: [], audit: ['2024-01-02'] });
    });
  });

  it.each([
    ['a bucket that does not exist', 'gone', /^bftask: targets\.exports: gs:\/\/gone does not exist \(The specified bucket does not exist\.\)$/],
    ['a bucket it may not list', 'locked', /^bftask: targets\.exports: gs:\/\/locked: access denied: needs storage\.objects\.list \(.*\)$/],
  ])('stop before anything runs on %s: exit 2, one line naming the bucket', async (_what, bucket, message) => {
    const targets = `{ exports: { files: 'gs://${bucket}/v1/{date}.json', run: proc('unused', '--output') } }`;
    await withStorageRig(targets, ['locked'], async (rig) => {
      rig.fake.deny('locked');
      const result = await rig.bftask([]);
      expect(result.code).toBe(2);
      expect(result.stderr.trim()).toMatch(message);
      expect(rig.project.invocations()).toEqual([]);
      expect(rig.fake.requests.map(shown)).toEqual([
        `GET /b/${bucket}/o ?delimiter=/&endOffset=v1/2024-01-06&${FIELDS}&prefix=v1/&startOffset=v1/2024-01-01`,
      ]);
    });
  });

  it('stop before anything runs without credentials (no emulator): exit 2, nothing sent to Cloud Storage', async () => {
    const targets = `{ exports: { files: '${PATTERN}', run: proc('unused', '--output') } }`;
    await withStorageRig(targets, ['exports'], async (rig) => {
      const result = await rig.bftask(['--dry-run'], { emulator: false, probeExpected: true });
      expect(result.code).toBe(2);
      expect(result.stderr.trim()).toMatch(
        /^bftask: targets\.exports: gs:\/\/exports: no Google credentials \(.*\): run `gcloud auth application-default login` or set GOOGLE_APPLICATION_CREDENTIALS$/,
      );
      expect(rig.fake.requests).toEqual([]);
    });
  });
});

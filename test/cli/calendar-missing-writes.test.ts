// A build that stops on a missing calendar table (exit 2) writes nothing, not even the warehouse file.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSource } from '../rig.js';
import { projectMaker } from './util.js';

const project = projectMaker();

describe('a missing calendar table', () => {
  it('stops a build with exit 2 and writes nothing, not even the warehouse file', async () => {
    const p = project({
      'backfill.config.ts': configSource(`{ a: { table: 'a_t', dateColumn: 'd', run: proc('a_t') } }`, {
        extra: "calendar: { table: 'schedule', dateColumn: 'game_date' },",
      }),
    });
    const result = await p.bftask([]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^bftask: calendar\.table: no table "schedule" in data\/warehouse\.db/);
    expect(fs.existsSync(path.join(p.dir, 'data'))).toBe(false);
    expect(fs.readdirSync(p.dir)).toEqual(['backfill.config.ts']);
  });
});

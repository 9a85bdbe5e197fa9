// Loading the config: backfill.config.mts, .js and .mjs are found like .ts, and a TypeScript
// config may import other local TypeScript files, written as .ts, .js or without an extension.
import { describe, expect, it } from 'vitest';
import { PROCESSOR, type Project } from '../rig.js';
import { datesIn, days, dryRun, expectedSteps, projectMaker } from './util.js';

const RANGE = ['2024-01-01', '2024-01-10'] as const;
const ALL = days(...RANGE);
/** Not the default (the whole run in one step), so a plan shows whether the value was read. */
const SHARD = 3;

const newProject = projectMaker();

/** The command of the target, written out so JavaScript configs need no helper. */
const RUN = JSON.stringify(['node', PROCESSOR, '--table', '{table}', '--column', 'd', '--start-date', '{start}', '--end-date', '{end}']);

/** A config for one target `a`; with `typed`, it uses syntax only TypeScript accepts. */
const config = (typed: boolean) => `import { defineConfig, sqlite } from 'bftask';
${typed ? 'interface Sizes { readonly shard: number }\nconst sizes: Sizes = { shard: ' + SHARD + ' } as const;' : `const sizes = { shard: ${SHARD} };`}
export default defineConfig({
  warehouse: sqlite('data/warehouse.db'),
  range: { start: '${RANGE[0]}', end: '${RANGE[1]}' },
  targets: { a: { table: 'a_t', dateColumn: 'd', run: ${RUN}, shard: sizes.shard } },
});
`;

/** Checks the plan read `a` with SHARD from the config, then builds it. */
async function plansAndBuilds(p: Project, cwd?: string) {
  const plan = await dryRun(p);
  expect(plan.get('a')?.pending).toEqual(ALL);
  expect(plan.get('a')?.steps.map(({ start, end }) => ({ start, end }))).toEqual(expectedSteps(ALL, new Set(ALL), SHARD));
  const result = await p.bftask([], cwd === undefined ? {} : { cwd });
  expect(result.code, result.stdout + result.stderr).toBe(0);
  expect(datesIn(p, 'a_t')).toEqual(ALL);
}

describe.concurrent('config files', () => {
  it.for([
    ['backfill.config.mts', true],
    ['backfill.config.js', false],
    ['backfill.config.mjs', false],
  ] as const)('%s is found from a subfolder, loaded and run', async ([file, typed]) => {
    const p = newProject({ [file]: config(typed), 'jobs/.keep': '' });
    await plansAndBuilds(p, `${p.dir}/jobs`);
    expect((await p.bftask(['status'])).code).toBe(0);
  });

  it.for([
    ['with .ts', './lib/settings.ts'],
    ['with .js', './lib/settings.js'],
    ['without an extension', './lib/settings'],
  ] as const)('a .ts config imports a local TypeScript file written %s', async ([, specifier]) => {
    const p = newProject({
      'backfill.config.ts': `import { defineConfig, sqlite } from 'bftask';
import { RANGE, sizes, targetA } from '${specifier}';
export default defineConfig({ warehouse: sqlite('data/warehouse.db'), range: RANGE, targets: { a: targetA(sizes.shard) } });
`,
      // TypeScript that imports TypeScript in turn, so the whole local graph is compiled.
      'lib/settings.ts': `import type { TargetConfig } from 'bftask';
import { command } from './command';
export interface Sizes { readonly shard: number }
export const sizes: Sizes = { shard: ${SHARD} };
export const RANGE = { start: '${RANGE[0]}', end: '${RANGE[1]}' } as const;
export const targetA = (shard: number): TargetConfig => ({ table: 'a_t', dateColumn: 'd', run: command(), shard });
`,
      'lib/command.ts': `export const command = (): string[] => ${RUN};\n`,
    });
    await plansAndBuilds(p);
  });

  it('an edited imported file is read again on the next run', async () => {
    const settings = (shard: number) => `export const shard: number = ${shard};\n`;
    const p = newProject({
      'backfill.config.ts': `import { defineConfig, sqlite } from 'bftask';
import { shard } from './settings';
export default defineConfig({
  warehouse: sqlite('data/warehouse.db'),
  range: { start: '${RANGE[0]}', end: '${RANGE[1]}' },
  targets: { a: { table: 'a_t', dateColumn: 'd', run: ${RUN}, shard } },
});
`,
      'settings.ts': settings(SHARD),
    });
    const stepsWith = async () => (await dryRun(p)).get('a')?.steps.map(({ start, end }) => ({ start, end }));
    expect(await stepsWith()).toEqual(expectedSteps(ALL, new Set(ALL), SHARD));
    p.write('settings.ts', settings(4));
    expect(await stepsWith()).toEqual(expectedSteps(ALL, new Set(ALL), 4));
  });
});

// `bftask graph`: the selection's dependency graph, each target's coverage and the lookbacks on
// its edges, as indented text (the default), Mermaid and Graphviz DOT.
import { describe, it } from 'vitest';
import { configSource } from '../rig.js';
import { projectMaker } from './util.js';

const project = projectMaker();

describe('bftask graph', () => {
  it('prints the graph with coverage in all three formats, for a selection and its prerequisites', async ({ expect }) => {
    const p = project({
      'backfill.config.ts': configSource(`{
        raw: { table: 'raw_t', dateColumn: 'd', run: proc('raw_t') },
        feat: { table: 'feat_t', dateColumn: 'd', deps: [{ target: 'raw', lookback: 2 }], run: proc('feat_t'), exclude: ['2024-01-01'] },
        end: { table: 'end_t', dateColumn: 'd', deps: ['feat', 'raw'], run: proc('end_t') },
        other: { table: 'other_t', dateColumn: 'd', run: proc('other_t') },
      }`, { range: ['2024-01-01', '2024-01-05'] }),
    });
    expect((await p.bftask(['raw'])).code).toBe(0);

    const text = await p.bftask(['graph', 'end']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toBe(
      [
        'bftask · graph · 2024-01-01..2024-01-05 · 3 targets · present/expected dates',
        '',
        'raw      5/5  raw_t',
        '  feat   0/4  feat_t  ← raw (lookback 2)',
        '    end  0/5  end_t   ← feat, raw',
      ].join('\n'),
    );

    // `end` is a Mermaid keyword: it gets another id, keeping its name as the label.
    const mermaid = await p.bftask(['graph', 'end', '--format', 'mermaid']);
    expect(mermaid.stdout).toBe(
      [
        'flowchart LR',
        '  raw["raw<br/>5/5"]',
        '  feat["feat<br/>0/4"]',
        '  t_end["end<br/>0/5"]',
        '  raw -->|lookback 2| feat',
        '  feat --> t_end',
        '  raw --> t_end',
        '  classDef complete stroke:#2e7d32,stroke-width:2px',
        '  classDef incomplete stroke:#c62828,stroke-width:2px',
        '  class raw complete',
        '  class feat,t_end incomplete',
      ].join('\n'),
    );

    const dot = await p.bftask(['graph', '--format', 'dot', '--to', '2024-01-03']);
    expect(dot.stdout).toBe(
      [
        'digraph bftask {',
        '  rankdir=LR;',
        '  node [shape=box, style=rounded, fontname="Helvetica"];',
        '  "other" [label="other\\n0/3", color="#c62828"];',
        '  "raw" [label="raw\\n3/3", color="#2e7d32"];',
        '  "feat" [label="feat\\n0/2", color="#c62828"];',
        '  "end" [label="end\\n0/3", color="#c62828"];',
        '  "raw" -> "feat" [label="lookback 2"];',
        '  "feat" -> "end";',
        '  "raw" -> "end";',
        '}',
      ].join('\n'),
    );
    // Only reads: the graph ran nothing and started no run.
    expect(p.invocations().filter((l) => !l.startsWith('raw '))).toEqual([]);
    expect(JSON.parse((await p.bftask(['runs', '--json'])).stdout).runs).toHaveLength(1);
  });
});

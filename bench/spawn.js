// A diagnostic for the per-step overhead: on Linux, node's child_process.spawn() forks the whole
// parent (libuv 1.46 in node 20 calls plain fork) and blocks until the child has exec'd, so
// each step costs bftask time in proportion to its own resident memory. Measures spawn() and a
// whole `touch` step one at a time, in node processes holding 0, 100 and 200 MB more heap.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { root, table } from './lib/measure.js';

export function benchSpawn({ steps = 100 } = {}) {
  const rows = [['extra heap', 'RSS', 'spawn() call', 'whole step']];
  for (const ballast of [0, 100, 200]) {
    const result = spawnSync(process.execPath, [path.join(root, 'bench', 'lib', 'spawn-probe.js'), String(ballast), String(steps)], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`spawn probe failed: ${result.stderr}`);
    const r = JSON.parse(result.stdout);
    rows.push([`${ballast} MB`, `${Math.round(r.rssMb)} MB`, `${r.spawnMs.toFixed(2)} ms`, `${r.stepMs.toFixed(2)} ms`]);
  }
  return [`spawn cost against the parent's memory: ${steps} \`touch\` steps one at a time from node (spawn() forks the whole parent)`, table(rows)].join('\n');
}

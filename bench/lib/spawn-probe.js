// Times child_process.spawn() itself (the synchronous part: libuv forks this process and waits
// for the child's exec) in a node process holding BALLAST_MB of heap, for `touch` steps.
//   node bench/lib/spawn-probe.js BALLAST_MB STEPS
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

const ballastMb = Number(process.argv[2] ?? 0);
const steps = Number(process.argv[3] ?? 100);
/** @type {string[]} */
const ballast = [];
for (let i = 0; i < ballastMb; i++) ballast.push(Buffer.alloc(1024 * 1024, 97).toString('latin1'));
const stamp = path.join(os.tmpdir(), `bftask-bench-spawn-${process.pid}`);
let inSpawn = 0;
const t0 = performance.now();
for (let i = 0; i < steps; i++) {
  await new Promise((resolve, reject) => {
    const s = performance.now();
    const child = spawn('touch', [stamp], { stdio: 'ignore', detached: true });
    inSpawn += performance.now() - s;
    child.on('error', reject);
    child.on('exit', resolve);
  });
}
const total = performance.now() - t0;
fs.rmSync(stamp, { force: true });
console.log(JSON.stringify({ rssMb: process.memoryUsage().rss / 2 ** 20, spawnMs: inSpawn / steps, stepMs: total / steps, kept: ballast.length }));

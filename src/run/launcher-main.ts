/**
 * The step launcher: a small process that starts steps for bftask (see launch.ts). Forking
 * copies the parent's page tables, so its cost grows with the parent's memory: from bftask
 * (~140 MB by the end of a run) a step's fork cost ~6 ms of CPU, from this process (~45 MB)
 * ~1 ms, and none of it blocks bftask's event loop.
 *
 * Protocol, one JSON object per line: a LaunchRequest in on stdin, LaunchReplies out on stdout.
 * When stdin closes (bftask exited, or was killed), the launcher exits; running steps are left
 * to bftask's orphan clean-up, as they would be without a launcher.
 */
import readline from 'node:readline';
import { launch, type LaunchRequest } from './launch.js';

const input = readline.createInterface({ input: process.stdin });
input.on('line', (line) => {
  if (line.trim() !== '') launch(JSON.parse(line) as LaunchRequest, (reply) => process.stdout.write(`${JSON.stringify(reply)}\n`));
});
input.on('close', () => process.exit(0));
// Signals are bftask's to handle: the terminal's Ctrl-C reaches this process too (same group),
// and must not end it while bftask is still stopping steps and collecting their endings.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => {});

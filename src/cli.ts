/** The `bftask` command: parse options, load the config, hand over to a command, set the exit code. */
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseCli, USAGE } from './cli/args.js';
import { resolveRequest } from './cli/request.js';
import { build } from './commands/build.js';
import { graph } from './commands/graph.js';
import type { Io } from './commands/io.js';
import { logs } from './commands/logs.js';
import { report } from './commands/report.js';
import { runs } from './commands/runs.js';
import { status } from './commands/status.js';
import { why } from './commands/why.js';
import { paint, wantsColor } from './report/color.js';
import { unreachable } from './util/unreachable.js';
import { loadConfig } from './config/load.js';
import { FatalError, UsageError } from './util/errors.js';

function processIo(argv: readonly string[]): Io {
  const cwd = process.cwd();
  return {
    out: (text) => process.stdout.write(`${text}\n`),
    write: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(`${text}\n`),
    isTTY: Boolean(process.stdout.isTTY) && !process.env.CI,
    columns: process.stdout.isTTY ? process.stdout.columns : undefined,
    // Decided from argv before parsing, as colorette (listr2's colours) decides it.
    paint: paint(wantsColor(Boolean(process.stdout.isTTY), process.env, argv)),
    shownPath: (file) => {
      const relative = path.relative(cwd, file);
      return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
    },
  };
}

async function run(argv: readonly string[], io: Io): Promise<number> {
  const options = parseCli(argv);
  if (options.command === 'help') {
    io.out(USAGE);
    return 0;
  }
  if (options.command === 'version') {
    io.out((createRequire(import.meta.url)('../package.json') as { version: string }).version);
    return 0;
  }
  const config = await loadConfig(process.cwd(), options.config);
  switch (options.command) {
    case 'runs':
      return runs(config, options.targets[0], options.json, io);
    case 'why':
      return why(config, resolveRequest(config, options), options.date, options.json, io);
    case 'status':
      return status(config, { json: options.json, watch: options.watch }, resolveRequest(config, options), io);
    case 'logs':
      return logs(config, { target: options.targets[0] ?? '', date: options.date, follow: options.follow }, io);
    case 'report':
      return report(config, { out: options.out }, resolveRequest(config, options), io);
    case 'graph':
      return graph(config, { format: options.format }, resolveRequest(config, options), io);
    case 'build':
      return build(config, options, resolveRequest(config, options), io, argv);
    default:
      return unreachable(options.command);
  }
}

/** Runs bftask with `argv` (without node and the script) and sets `process.exitCode`. */
export async function main(argv: readonly string[]): Promise<void> {
  const io = processIo(argv);
  try {
    process.exitCode = await run(argv, io);
  } catch (error) {
    if (error instanceof UsageError) {
      for (const line of error.message.split('\n')) io.err(`bftask: ${line}`);
      process.exitCode = 2;
    } else if (error instanceof FatalError) {
      io.err(`bftask: ${error.message}`);
      process.exitCode = 1;
    } else {
      io.err(`bftask: Internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      process.exitCode = 1;
    }
  }
}

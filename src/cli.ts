/** The `bftask` command: parse options, load the config, hand over to a command, set the exit code. */
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseCli, USAGE } from './cli/args.js';
import { resolveRequest } from './cli/request.js';
import { build } from './commands/build.js';
import type { Io } from './commands/io.js';
import { status } from './commands/status.js';
import { loadConfig } from './config/load.js';
import { FatalError, UsageError } from './util/errors.js';

function processIo(): Io {
  const cwd = process.cwd();
  return {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    isTTY: Boolean(process.stdout.isTTY) && !process.env.CI,
    columns: process.stdout.isTTY ? process.stdout.columns : undefined,
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
  const request = resolveRequest(config, options);
  return options.command === 'status' ? status(config, options.json, request, io) : build(config, options, request, io);
}

/** Runs bftask with `argv` (without node and the script) and sets `process.exitCode`. */
export async function main(argv: readonly string[]): Promise<void> {
  const io = processIo();
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

/**
 * Telling a process apart from a later one that got its pid: a pid plus the process's start time
 * (Linux: boot id and start tick from /proc). Where /proc is missing, the start time is unknown
 * and a live pid is taken at its word.
 */
import fs from 'node:fs';
import os from 'node:os';

/** A process as the ledger records it. */
export interface ProcessRef {
  readonly host: string;
  readonly pid: number;
  /** `<boot id>:<start tick>`, or undefined where it cannot be read. */
  readonly started: string | undefined;
}

let bootId: string | undefined;

/** When `pid` started, as an opaque string; undefined if it is gone or /proc is unavailable. */
export function processStart(pid: number): string | undefined {
  try {
    bootId ??= fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may itself hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // starttime is field 22 of the line; field 3 (state) is fields[0] here.
    return `${bootId}:${fields[19]}`;
  } catch {
    return undefined;
  }
}

/** This process, for the ledger and locks. */
export function thisProcess(): ProcessRef {
  return { host: os.hostname(), pid: process.pid, started: processStart(process.pid) };
}

/** True while `pid` runs (not a zombie). */
function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: alive, but someone else's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/**
 * Whether the process `ref` names still runs: on this host, its pid is alive with the same start
 * time. Undefined for another host: bftask cannot look there.
 */
export function isRunning(ref: ProcessRef): boolean | undefined {
  if (ref.host !== os.hostname()) return undefined;
  if (!pidAlive(ref.pid)) return false;
  if (ref.started === undefined) return true;
  const now = processStart(ref.pid);
  return now === undefined || now === ref.started;
}

/**
 * Whether a step's process group (its leader's pid) may still hold processes of that step. A
 * pid is never handed out while a group of that id exists, so a live group whose leader is gone
 * is still the step's; a live leader with another start time means the old group is gone.
 */
export function groupAlive(leader: ProcessRef): boolean {
  if (leader.host !== os.hostname()) return false;
  try {
    process.kill(-leader.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (!pidAlive(leader.pid)) return true;
  return leader.started === undefined || processStart(leader.pid) === leader.started;
}

/** Sends `signal` to a process group; false if it was gone. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

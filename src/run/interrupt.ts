/**
 * Ctrl-C, SIGTERM and SIGHUP during a run. Steps sit in their own process groups, so the terminal's
 * signal no longer reaches them: the first signal stops new steps and sends SIGTERM to every
 * group; a second one kills what is left and exits at once.
 */
import { killAllGroups } from './spawn.js';

export interface Interrupts {
  readonly signal: AbortSignal;
  /** The signal that interrupted the run, if one did. */
  received(): NodeJS.Signals | undefined;
  dispose(): void;
}

/** 128 + the signal's number, as shells report it. */
export const exitCodeFor = (signal: NodeJS.Signals): number => (signal === 'SIGTERM' ? 143 : signal === 'SIGHUP' ? 129 : 130);

export function watchInterrupts(): Interrupts {
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (received) {
      killAllGroups('SIGKILL');
      process.exit(exitCodeFor(received));
    }
    received = signal;
    controller.abort();
  };
  // Whatever ends bftask, no step may outlive it.
  const onExit = () => killAllGroups('SIGKILL');
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // A closed terminal: without a handler Node dies at once and the steps, in their own process
  // groups, would run on unsupervised. (Under nohup SIGHUP is ignored and never arrives.)
  process.on('SIGHUP', onSignal);
  process.on('exit', onExit);
  return {
    signal: controller.signal,
    received: () => received,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.off('SIGHUP', onSignal);
      process.off('exit', onExit);
    },
  };
}

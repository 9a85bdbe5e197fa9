/**
 * Ctrl-C and SIGTERM during a run. Steps sit in their own process groups, so the terminal's
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

export const exitCodeFor = (signal: NodeJS.Signals): number => (signal === 'SIGTERM' ? 143 : 130);

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
  process.on('exit', onExit);
  return {
    signal: controller.signal,
    received: () => received,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.off('exit', onExit);
    },
  };
}

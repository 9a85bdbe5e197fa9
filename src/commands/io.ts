/** Where commands write: injected so tests and renderers never reach for the console themselves. */
import type { Paint } from '../report/color.js';

export interface Io {
  /** A line to stdout. */
  out(text: string): void;
  /** Text to stdout as it is, with no newline added (a log being followed). */
  write(text: string): void;
  err(text: string): void;
  readonly isTTY: boolean;
  /** The terminal's width, when it has one. */
  readonly columns?: number | undefined;
  /** Colours for stdout: plain unless it is a terminal and nobody asked for none. */
  readonly paint: Paint;
  /** A path as the user should see it: relative to where they stand when that is shorter. */
  shownPath(file: string): string;
}

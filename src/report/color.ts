/**
 * Colour for bftask's own text. Off unless stdout is a terminal, and off whenever NO_COLOR is set
 * (https://no-color.org), `--no-color` is given or TERM is `dumb`: the same rule colorette, which
 * colours listr2's task list, applies to the same process.
 */

export interface Paint {
  readonly enabled: boolean;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const sgr = (open: number, close: number) => (text: string) => (text === '' ? '' : `\x1b[${open}m${text}\x1b[${close}m`);
const same = (text: string) => text;

export const PLAIN: Paint = { enabled: false, red: same, green: same, yellow: same, dim: same, bold: same };
const ANSI: Paint = { enabled: true, red: sgr(31, 39), green: sgr(32, 39), yellow: sgr(33, 39), dim: sgr(2, 22), bold: sgr(1, 22) };

/** Whether to colour: a terminal, and nobody asked for none. */
export function wantsColor(isTTY: boolean, env: NodeJS.ProcessEnv, argv: readonly string[]): boolean {
  if (!isTTY || argv.includes('--no-color')) return false;
  if ('NO_COLOR' in env || env.TERM === 'dumb') return false;
  return true;
}

export const paint = (enabled: boolean): Paint => (enabled ? ANSI : PLAIN);

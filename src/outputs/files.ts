/**
 * Coverage of a target that writes one local file per date (`files: 'out/{date}.json'`). When
 * `{date}` sits in the file name only, the folder is listed once instead of one lookup per
 * date (a million dates is a million system calls otherwise).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { IsoDate } from '../config/types.js';

const LIST_FROM = 16;

/** Present dates among `dates`, each with its file's modification time when `withTimes`. */
export function readLocalFiles(
  pattern: string,
  dir: string,
  dates: readonly IsoDate[],
  withTimes: boolean,
): Map<IsoDate, number | undefined> {
  const resolved = path.resolve(dir, pattern);
  const folder = path.dirname(resolved);
  const name = path.basename(resolved);
  const present = new Map<IsoDate, number | undefined>();
  const time = (file: string) => (withTimes ? statTime(file) : undefined);
  // Listing pays off from a few dates on; a post-step check of one date looks it up directly
  // (listing a folder of 5,000 files after each of 5,000 steps would be quadratic).
  if (dates.length > LIST_FROM && !folder.includes('{date}') && name.split('{date}').length === 2) {
    let names: Set<string>;
    try {
      names = new Set(fs.readdirSync(folder));
    } catch {
      return present;
    }
    const [before, after] = name.split('{date}') as [string, string];
    for (const date of dates) {
      const file = `${before}${date}${after}`;
      if (names.has(file)) present.set(date, time(path.join(folder, file)));
    }
    return present;
  }
  for (const date of dates) {
    const file = resolved.replaceAll('{date}', date);
    if (fs.existsSync(file)) present.set(date, time(file));
  }
  return present;
}

function statTime(file: string): number | undefined {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

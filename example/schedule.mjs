// @ts-check
/**
 * The synthetic NBA calendar shared by backfill.config.ts (calendar, exclude) and every
 * processor, so the tool and the jobs can never disagree about which dates exist.
 * Season dates follow the real 2021-22 .. 2025-26 seasons; playoff off-days come from a
 * seeded stream, so the calendar is fixed: 918 game dates in RANGE, as in the real backfill.
 */
import { addDays, daysBetween, eachDay, weekday } from './lib/dates.mjs';
import { rng } from './lib/random.mjs';

/** The backfill's range. */
export const RANGE = Object.freeze({ start: '2021-10-19', end: '2026-01-03' });

/** Rolling features need history: the first game dates of each season are never produced. */
export const BOOTSTRAP_GAME_DATES = 14;

/**
 * @typedef {object} Season
 * @property {string} id
 * @property {string} regularStart
 * @property {string} regularEnd
 * @property {[string, string]} allStarBreak  first and last day without games
 * @property {string} playInStart  a Tuesday
 * @property {string} playoffsStart
 * @property {string} finalsStart
 * @property {string[]} [offDays]  other days the league left empty
 */

/** @type {readonly Season[]} */
export const SEASONS = Object.freeze([
  { id: '2021-22', regularStart: '2021-10-19', regularEnd: '2022-04-10', allStarBreak: ['2022-02-18', '2022-02-23'], playInStart: '2022-04-12', playoffsStart: '2022-04-16', finalsStart: '2022-06-02' },
  { id: '2022-23', regularStart: '2022-10-18', regularEnd: '2023-04-09', allStarBreak: ['2023-02-17', '2023-02-22'], playInStart: '2023-04-11', playoffsStart: '2023-04-15', finalsStart: '2023-06-01' },
  { id: '2023-24', regularStart: '2023-10-24', regularEnd: '2024-04-14', allStarBreak: ['2024-02-16', '2024-02-21'], playInStart: '2024-04-16', playoffsStart: '2024-04-20', finalsStart: '2024-06-06' },
  { id: '2024-25', regularStart: '2024-10-22', regularEnd: '2025-04-13', allStarBreak: ['2025-02-14', '2025-02-19'], offDays: ['2024-11-05'], playInStart: '2025-04-15', playoffsStart: '2025-04-19', finalsStart: '2025-06-05' },
  { id: '2025-26', regularStart: '2025-10-21', regularEnd: '2026-04-12', allStarBreak: ['2026-02-13', '2026-02-18'], playInStart: '2026-04-14', playoffsStart: '2026-04-18', finalsStart: '2026-06-04' },
]);

/** Finals games fall every two or three days: 2-2-1-1-1 with travel days. */
const FINALS_OFFSETS = [0, 3, 5, 8, 10, 13];

/**
 * @typedef {object} GameDay
 * @property {string} date
 * @property {string} season
 * @property {'regular' | 'play-in' | 'playoffs'} kind
 * @property {number} round  playoff round 1..4, 0 otherwise
 * @property {number} games  how many games are played
 */

/** The fourth Thursday of November: no games on Thanksgiving. */
function thanksgiving(/** @type {number} */ year) {
  const first = `${year}-11-01`;
  return addDays(first, ((4 - weekday(first) + 7) % 7) + 21);
}

/** Games on a regular-season day: busy midweek and weekends, a light Thursday, seeded noise. */
function regularGames(/** @type {Season} */ season, /** @type {string} */ date) {
  if (date === season.regularStart) return 2;
  if (date.endsWith('-12-25')) return 5;
  const base = [7, 8, 6, 10, 4, 9, 8][weekday(date)] ?? 7;
  return Math.max(1, Math.min(15, base + rng('games', date).int(-3, 3)));
}

/** The playoff round on `offset` days after the playoffs start, and whether that day has games. */
function playoffDay(/** @type {Season} */ season, /** @type {number} */ offset) {
  const finalsOffset = daysBetween(season.playoffsStart, season.finalsStart);
  if (offset >= finalsOffset) {
    return { round: 4, played: FINALS_OFFSETS.includes(offset - finalsOffset) };
  }
  if (offset < 16) return { round: 1, played: true };
  // Later rounds leave days off between games as series end unevenly; one rest day before CF.
  const r = rng('playoff-day', season.id, offset);
  if (offset < 31) return { round: 2, played: !r.chance(0.25) };
  if (offset === 31) return { round: 3, played: false };
  return { round: 3, played: !r.chance(0.4) };
}

/** Every game day of `season`, in date order. */
function seasonDays(/** @type {Season} */ season) {
  const year = Number(season.regularStart.slice(0, 4));
  const noGames = new Set([thanksgiving(year), `${year}-12-24`, ...eachDay(...season.allStarBreak), ...(season.offDays ?? [])]);
  /** @type {GameDay[]} */
  const days = [];
  for (const date of eachDay(season.regularStart, season.regularEnd)) {
    if (!noGames.has(date)) days.push({ date, season: season.id, kind: 'regular', round: 0, games: regularGames(season, date) });
  }
  // Play-in: Tuesday and Wednesday, then the deciding games on Friday.
  for (const [offset, games] of [[0, 2], [1, 2], [3, 2]]) {
    days.push({ date: addDays(season.playInStart, offset ?? 0), season: season.id, kind: 'play-in', round: 0, games: games ?? 2 });
  }
  const lastOffset = daysBetween(season.playoffsStart, season.finalsStart) + (FINALS_OFFSETS.at(-1) ?? 0);
  for (let offset = 0; offset <= lastOffset; offset++) {
    const { round, played } = playoffDay(season, offset);
    if (!played) continue;
    const date = addDays(season.playoffsStart, offset);
    const games = round === 1 ? (offset < 2 ? 4 : rng('games', date).int(2, 4)) : round === 2 ? rng('games', date).int(1, 2) : 1;
    days.push({ date, season: season.id, kind: 'playoffs', round, games });
  }
  return days;
}

const allDays = SEASONS.flatMap(seasonDays).filter((d) => d.date >= RANGE.start && d.date <= RANGE.end);
const byDate = new Map(allDays.map((d) => [d.date, d]));

/** Every game date in RANGE, sorted: the pipeline's calendar. */
export const gameDates = Object.freeze(allDays.map((d) => d.date));

/** The first BOOTSTRAP_GAME_DATES game dates of each season that touches RANGE, sorted. */
export const bootstrapDates = Object.freeze(
  SEASONS.flatMap((s) => allDays.filter((d) => d.season === s.id).slice(0, BOOTSTRAP_GAME_DATES)).map((d) => d.date),
);
const bootstrapSet = new Set(bootstrapDates);

/** The game day on `date`, or undefined when no games are played. */
export function gameDay(/** @type {string} */ date) {
  return byDate.get(date);
}

/** True when `date` is one of a season's first BOOTSTRAP_GAME_DATES game dates. */
export function isBootstrap(/** @type {string} */ date) {
  return bootstrapSet.has(date);
}

/** Game dates from `start` to `end` inclusive; `skipBootstrap` drops each season's first days. */
export function gameDatesBetween(/** @type {string} */ start, /** @type {string} */ end, skipBootstrap = false) {
  return gameDates.filter((d) => d >= start && d <= end && !(skipBootstrap && bootstrapSet.has(d)));
}

// @ts-check
/**
 * The synthetic league: 30 teams with a roster per season. Player talent is seeded from the
 * player id (stable across seasons, with a small per-season drift), so a player's scoring and
 * shot profile persist and the rolling features downstream have something real to find.
 */
import { rng } from './random.mjs';

/** The 30 franchises. */
export const TEAMS = Object.freeze([
  'ATL', 'BOS', 'BKN', 'CHA', 'CHI', 'CLE', 'DAL', 'DEN', 'DET', 'GSW', 'HOU', 'IND', 'LAC', 'LAL', 'MEM',
  'MIA', 'MIL', 'MIN', 'NOP', 'NYK', 'OKC', 'ORL', 'PHI', 'PHX', 'POR', 'SAC', 'SAS', 'TOR', 'UTA', 'WAS',
]);

const FIRST = ['Marcus', 'Jalen', 'Tyrese', 'Devin', 'Anthony', 'Jaylen', 'Darius', 'Keegan', 'Evan', 'Cade', 'Scottie', 'Paolo', 'Desmond', 'Tre', 'Mikal', 'Franz', 'Alperen', 'Jabari', 'Bennedict', 'Walker', 'Deni', 'Immanuel', 'Herbert', 'Josh', 'Aaron', 'Dyson', 'Jarace', 'Amen', 'Ausar', 'Brandin'];
const LAST = ['Holloway', 'Brooks', 'Carter', 'Mitchell', 'Whitmore', 'Green', 'Barnes', 'Murray', 'Sengun', 'Wagner', 'Mobley', 'Banchero', 'Ivey', 'Kessler', 'Jackson', 'Thompson', 'Williams', 'Daniels', 'Sharpe', 'Duren', 'Walker', 'Hayes', 'Bridges', 'Quickley', 'Okoro', 'Porter', 'Nembhard', 'Achiuwa', 'Reed', 'Sheppard'];

/** Minutes a rotation spot plays on a normal night, best player first; they sum to about 240. */
const ROLE_MINUTES = [35, 33, 31, 29, 27, 24, 21, 17, 12, 7, 3, 1];

/** Franchise player slots; each season's roster is 12 of them, the first 8 always included. */
const FRANCHISE_SLOTS = 16;

/**
 * @typedef {object} Player
 * @property {number} playerId
 * @property {string} name
 * @property {string} team
 * @property {number} rank  rotation spot, 0 = best
 * @property {number} minutes  ROLE_MINUTES of the spot
 * @property {number} fgaPerMinute
 * @property {[number, number, number]} shotMix  shares of paint, mid-range, three attempts
 * @property {[number, number, number]} zonePct  make chance per zone
 * @property {number} ftRate  free throws attempted per field goal attempt
 * @property {number} ftPct
 */

/**
 * @typedef {object} Team
 * @property {string} team
 * @property {number} strength  playoff seeding key, higher is better
 * @property {[number, number, number]} zoneDefense  multiplier on opponents' make chance per zone
 * @property {Player[]} roster
 */

/**
 * @typedef {object} SeasonLeague
 * @property {Map<string, Team>} teams
 * @property {string[]} seeds  teams best first: 1..12 go straight to the playoffs, 13..20 play in,
 *   and the playoffs take the first 16
 */

/** @type {Map<string, SeasonLeague>} */
const cache = new Map();

const clamp = (/** @type {number} */ x, /** @type {number} */ lo, /** @type {number} */ hi) => Math.max(lo, Math.min(hi, x));

/** A player's talent: seeded from the id, drifting a little each season. */
function makePlayer(/** @type {number} */ playerId, /** @type {string} */ team, /** @type {number} */ rank, /** @type {string} */ season) {
  const base = rng('player', playerId);
  const drift = rng('player-season', playerId, season);
  const name = `${FIRST[base.int(0, FIRST.length - 1)]} ${LAST[base.int(0, LAST.length - 1)]}`;
  const three = clamp(base.normal(0.38, 0.12), 0.05, 0.65);
  const mid = clamp(base.normal(0.2, 0.07), 0.05, 0.4);
  /** @type {Player} */
  const player = {
    playerId,
    name,
    team,
    rank,
    minutes: ROLE_MINUTES[rank] ?? 1,
    // Better rotation spots take more shots per minute; the drift makes breakout seasons.
    fgaPerMinute: clamp(base.normal(0.36, 0.06) + (8 - rank) * 0.012 + drift.normal(0, 0.02), 0.15, 0.7),
    shotMix: [1 - three - mid, mid, three],
    zonePct: [
      clamp(base.normal(0.6, 0.05) + drift.normal(0, 0.015), 0.45, 0.75),
      clamp(base.normal(0.42, 0.04) + drift.normal(0, 0.015), 0.3, 0.55),
      clamp(base.normal(0.36, 0.035) + drift.normal(0, 0.015), 0.25, 0.45),
    ],
    ftRate: clamp(base.normal(0.24, 0.07), 0.08, 0.5),
    ftPct: clamp(base.normal(0.78, 0.07), 0.55, 0.93),
  };
  return player;
}

/** The teams, rosters and seeding of `season` (computed once per process). */
export function seasonLeague(/** @type {string} */ season) {
  const known = cache.get(season);
  if (known) return known;
  /** @type {Map<string, Team>} */
  const teams = new Map();
  TEAMS.forEach((team, t) => {
    const r = rng('team-season', team, season);
    const bench = r.shuffled([8, 9, 10, 11, 12, 13, 14, 15]).slice(0, 4).sort((a, b) => a - b);
    const slots = [0, 1, 2, 3, 4, 5, 6, 7, ...bench];
    // Player ids look like the league's: stable per franchise slot across seasons.
    const roster = slots.map((slot, rank) => makePlayer(1_628_000 + t * FRANCHISE_SLOTS + slot, team, rank, season));
    const zoneDefense = /** @type {[number, number, number]} */ ([0, 1, 2].map(() => clamp(r.normal(1, 0.05), 0.88, 1.12)));
    teams.set(team, { team, strength: r.normal(0, 1), zoneDefense, roster });
  });
  const seeds = [...teams.values()].sort((a, b) => b.strength - a.strength).map((t) => t.team);
  const league = { teams, seeds };
  cache.set(season, league);
  return league;
}

/** The team `team` in `season` (throws for an unknown team: a generator bug). */
export function teamIn(/** @type {string} */ season, /** @type {string} */ team) {
  const found = seasonLeague(season).teams.get(team);
  if (!found) throw new Error(`Internal error: unknown team ${team}`);
  return found;
}

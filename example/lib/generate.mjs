// @ts-check
/**
 * Stands in for the scrapers: the games, box scores and prop lines of one date. Each is drawn
 * from its own stream seeded by the date (and team), so a date's rows are the same whether it is
 * generated alone or inside any range, and the schedule job need not simulate every shot.
 */
import { gameDay } from '../schedule.mjs';
import { rng } from './random.mjs';
import { seasonLeague, teamIn } from './league.mjs';

/** @typedef {import('./league.mjs').Player} Player */

/**
 * @typedef {object} Game
 * @property {string} game_id
 * @property {string} game_date
 * @property {string} season
 * @property {string} game_type
 * @property {string} home_team
 * @property {string} away_team
 */

/**
 * @typedef {object} PlayerBox
 * @property {string} game_date
 * @property {string} game_id
 * @property {number} player_id
 * @property {string} player_name
 * @property {string} team
 * @property {string} opponent
 * @property {number} is_home
 * @property {number} starter
 * @property {number} minutes
 * @property {number} points
 * @property {number} fgm
 * @property {number} fga
 * @property {number} fg3m
 * @property {number} fg3a
 * @property {number} ftm
 * @property {number} fta
 * @property {number} paint_fgm
 * @property {number} paint_fga
 * @property {number} mid_fgm
 * @property {number} mid_fga
 * @property {number} rebounds
 * @property {number} assists
 * @property {number} turnovers
 */

/** @typedef {Omit<PlayerBox, 'player_id' | 'player_name' | 'starter' | 'minutes'>} TeamBox */

/**
 * @typedef {object} PropLine
 * @property {string} game_date
 * @property {string} game_id
 * @property {number} player_id
 * @property {string} player_name
 * @property {string} team
 * @property {string} bookmaker
 * @property {number} points_line
 * @property {number} over_price
 * @property {number} under_price
 */

/** Teams still playing in a playoff round, taken from the season's seeding. */
const ALIVE = [0, 16, 8, 4, 2];

/** The games on `date`: random pairs in the season, seeded survivors in the playoffs. */
export function gamesOn(/** @type {string} */ date) {
  const day = gameDay(date);
  if (!day) return [];
  const { seeds } = seasonLeague(day.season);
  const pool = day.kind === 'regular' ? seeds : day.kind === 'play-in' ? seeds.slice(12, 20) : seeds.slice(0, ALIVE[day.round]);
  const teams = rng('matchups', date).shuffled(pool);
  /** @type {Game[]} */
  const games = [];
  for (let i = 0; i < day.games && 2 * i + 1 < teams.length; i++) {
    games.push({
      game_id: `${date.replaceAll('-', '')}${String(i + 1).padStart(2, '0')}`, game_date: date, season: day.season,
      game_type: day.kind, home_team: /** @type {string} */ (teams[2 * i]), away_team: /** @type {string} */ (teams[2 * i + 1]),
    });
  }
  return games;
}

/**
 * Each side of each game on `date`, with the players who suit up: rotation players rarely sit,
 * the end of the bench often does not get in. Box scores and prop lines both start here.
 */
function sides(/** @type {string} */ date) {
  return gamesOn(date).flatMap((g) => /** @type {const} */ ([[g.home_team, g.away_team, 1], [g.away_team, g.home_team, 0]]).map(([team, opponent, is_home]) => {
    const r = rng('availability', date, team);
    const active = teamIn(g.season, team).roster.filter((p) => !r.chance(p.rank < 8 ? 0.04 : 0.3));
    return { game: g, team, opponent, is_home, active, defense: teamIn(g.season, opponent).zoneDefense };
  }));
}

/** Successes in `n` tries of chance `p`. */
function binomial(/** @type {import('./random.mjs').Rng} */ r, /** @type {number} */ n, /** @type {number} */ p) {
  let k = 0;
  for (let i = 0; i < n; i++) if (r.next() < p) k++;
  return k;
}

/** One player's line against a defense; minutes already decided. */
function playerLine(/** @type {import('./random.mjs').Rng} */ r, /** @type {Player} */ p, /** @type {number} */ minutes, /** @type {[number, number, number]} */ defense) {
  const fga = Math.max(0, Math.round(minutes * p.fgaPerMinute * r.normal(1, 0.18)));
  /** @type {[number, number, number]} */
  const attempts = [0, 0, 0];
  for (let i = 0; i < fga; i++) {
    const u = r.next();
    attempts[u < p.shotMix[0] ? 0 : u < p.shotMix[0] + p.shotMix[1] ? 1 : 2]++;
  }
  const hot = r.normal(1, 0.06); // a good or bad shooting night moves every zone together
  const made = attempts.map((a, z) => binomial(r, a, Math.min(0.95, (p.zonePct[z] ?? 0) * (defense[z] ?? 1) * hot)));
  const [paintM = 0, midM = 0, threeM = 0] = made;
  const fta = Math.max(0, Math.round(fga * p.ftRate * r.normal(1, 0.35)));
  const ftm = binomial(r, fta, p.ftPct);
  return {
    minutes, points: 2 * (paintM + midM) + 3 * threeM + ftm, fgm: paintM + midM + threeM, fga,
    fg3m: threeM, fg3a: attempts[2], ftm, fta, paint_fgm: paintM, paint_fga: attempts[0], mid_fgm: midM, mid_fga: attempts[1],
    rebounds: Math.round(minutes * Math.max(0, r.normal(0.2, 0.06))),
    assists: Math.round(minutes * Math.max(0, r.normal(0.12, 0.05))),
    turnovers: Math.round(minutes * Math.max(0, r.normal(0.05, 0.02))),
  };
}

/** Points a book would expect from `p` before the game: its line sits at the nearest .5. */
function propLine(/** @type {import('./random.mjs').Rng} */ r, /** @type {Player} */ p, /** @type {[number, number, number]} */ defense) {
  const perShot = p.shotMix.reduce((sum, share, z) => sum + share * (p.zonePct[z] ?? 0) * (defense[z] ?? 1) * (z === 2 ? 3 : 2), 0);
  const fga = p.minutes * p.fgaPerMinute;
  const expected = fga * perShot + fga * p.ftRate * p.ftPct;
  return Math.floor(expected * r.normal(1, 0.06)) + 0.5;
}

/** Player box scores on `date`: minutes share out 240 per team, then every shot is simulated. */
export function playerBoxesOn(/** @type {string} */ date) {
  return sides(date).flatMap(({ game, team, opponent, is_home, active, defense }) => {
    const r = rng('box', date, team);
    const raw = active.map((p) => Math.max(1, p.minutes * r.normal(1, 0.12)));
    const scale = 240 / raw.reduce((a, b) => a + b, 0);
    return active.map((p, k) => /** @type {PlayerBox} */ ({
      game_date: date, game_id: game.game_id, player_id: p.playerId, player_name: p.name, team, opponent, is_home,
      starter: p.rank < 5 ? 1 : 0, ...playerLine(r, p, Math.round((raw[k] ?? 0) * scale * 10) / 10, defense),
    }));
  });
}

const TEAM_STATS = /** @type {const} */ (['points', 'fgm', 'fga', 'fg3m', 'fg3a', 'ftm', 'fta', 'paint_fgm', 'paint_fga', 'mid_fgm', 'mid_fga', 'rebounds', 'assists', 'turnovers']);

/** Team box scores on `date`: the sums of its players' lines, as the league's feed has them. */
export function teamBoxesOn(/** @type {string} */ date) {
  /** @type {Map<string, TeamBox>} */
  const teams = new Map();
  for (const p of playerBoxesOn(date)) {
    let box = teams.get(p.team);
    if (!box) {
      box = { game_date: date, game_id: p.game_id, team: p.team, opponent: p.opponent, is_home: p.is_home, points: 0, fgm: 0, fga: 0, fg3m: 0, fg3a: 0, ftm: 0, fta: 0, paint_fgm: 0, paint_fga: 0, mid_fgm: 0, mid_fga: 0, rebounds: 0, assists: 0, turnovers: 0 };
      teams.set(p.team, box);
    }
    for (const key of TEAM_STATS) box[key] += p[key];
  }
  return [...teams.values()];
}

/** Points lines on `date`: books post them for the rotation players who suit up. */
export function propsOn(/** @type {string} */ date) {
  return sides(date).flatMap(({ game, team, active, defense }) => {
    const r = rng('props', date, team);
    return active.filter((p) => p.rank < 8).map((p) => {
      const shade = r.int(-10, 10);
      return /** @type {PropLine} */ ({
        game_date: date, game_id: game.game_id, player_id: p.playerId, player_name: p.name, team, bookmaker: 'synthbook',
        points_line: propLine(r, p, defense), over_price: -110 + shade, under_price: -110 - shade,
      });
    });
  });
}

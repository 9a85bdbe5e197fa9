// @ts-check
/** Column lists several tables share, so a box score and its summaries spell stats alike. */

/** The counting stats of a box score line, player or team. */
export const BOX_STATS = Object.freeze({
  points: 'INTEGER NOT NULL', fgm: 'INTEGER NOT NULL', fga: 'INTEGER NOT NULL', fg3m: 'INTEGER NOT NULL',
  fg3a: 'INTEGER NOT NULL', ftm: 'INTEGER NOT NULL', fta: 'INTEGER NOT NULL', paint_fgm: 'INTEGER NOT NULL',
  paint_fga: 'INTEGER NOT NULL', mid_fgm: 'INTEGER NOT NULL', mid_fga: 'INTEGER NOT NULL',
  rebounds: 'INTEGER NOT NULL', assists: 'INTEGER NOT NULL', turnovers: 'INTEGER NOT NULL',
});

/** Who played whom in which game. */
export const MATCHUP = Object.freeze({
  game_id: 'TEXT NOT NULL', team: 'TEXT NOT NULL', opponent: 'TEXT NOT NULL', is_home: 'INTEGER NOT NULL',
});

/**
 * The example pipeline: an NBA player-props backfill (918 game dates, phases 2 to 6) on an
 * embedded SQLite warehouse. `npx bftask` builds all of it; example/README.md describes it.
 */
import { defineConfig, sqlite, type DependencyConfig, type TargetConfig } from 'bftask';
import { bootstrapDates, gameDates, RANGE } from './example/schedule.mjs';
import { MAX_REST } from './example/lib/context.mjs';
import { LOOKBACK_DAYS } from './example/lib/windows.mjs';

/** `node example/jobs/<name>.mjs --start-date {start} --end-date {end}`, plus extra arguments. */
const job = (name: string, ...extra: string[]): string[] => [
  'node', `example/jobs/${name}.mjs`, ...extra, '--start-date', '{start}', '--end-date', '{end}',
];

/** Same-day deps on `targets`, reaching back `lookbacks[t]` calendar days where given. */
const after = (targets: string[], lookbacks: Record<string, number> = {}): DependencyConfig[] =>
  targets.map((target) => (lookbacks[target] ? { target, lookback: lookbacks[target] } : target));

/** A table target; about 120 game dates per step keeps the whole build near 170 steps. */
const table = (name: string, table: string, dateColumn: string, deps: DependencyConfig[] = []): TargetConfig => ({
  table, dateColumn, deps, run: job(name), shard: 120,
});

/** Phase 4 and later: rolling features need history, so each season's first days never exist. */
const rolling = (target: TargetConfig): TargetConfig => ({ ...target, exclude: bootstrapDates });

const phase3 = ['pgs', 'tog', 'tdg', 'upgc', 'utgc'];

export default defineConfig({
  warehouse: sqlite('data/warehouse.db'),
  range: RANGE,
  calendar: gameDates,
  concurrency: 4,
  targets: {
    // Phase 2: stand-ins for the scrapers, generated from a seed per date.
    schedule: table('schedule', 'nba_schedule', 'game_date'),
    boxscores: table('boxscores', 'nba_player_boxscores', 'game_date'),
    team_boxscores: table('team_boxscores', 'nba_team_boxscores', 'game_date'),
    props: table('props', 'odds_player_props', 'game_date'),
    // Phase 3: analytics. Rest days look back up to a week of schedule.
    pgs: table('pgs', 'player_game_summary', 'game_date', ['boxscores', 'team_boxscores']),
    tog: table('tog', 'team_offense_game_summary', 'game_date', ['team_boxscores']),
    tdg: table('tdg', 'team_defense_game_summary', 'game_date', ['team_boxscores']),
    upgc: table('upgc', 'upcoming_player_game_context', 'game_date', after(['props', 'schedule'], { schedule: MAX_REST })),
    utgc: table('utgc', 'upcoming_team_game_context', 'game_date', after(['schedule'], { schedule: MAX_REST })),
    // Phase 4: group 1 waits for all of phase 3 (as the plan did) and reads its rolling window.
    tdza: rolling(table('tdza', 'team_defense_zone_analysis', 'analysis_date', after(phase3, { tdg: LOOKBACK_DAYS, tog: LOOKBACK_DAYS }))),
    psza: rolling({ ...table('psza', 'player_shot_zone_analysis', 'analysis_date', after(phase3, { pgs: LOOKBACK_DAYS })), concurrency: 2 }),
    pcf: rolling(table('pcf', 'player_composite_factors', 'analysis_date', ['psza', 'tdza'])),
    pdc: rolling(table('pdc', 'player_daily_cache', 'cache_date', after(['pcf', 'pgs'], { pgs: LOOKBACK_DAYS }))),
    mlfs: rolling(table('mlfs', 'ml_feature_store_v2', 'game_date', ['pdc', 'pcf', 'upgc'])),
    // Phase 5: predictions learn from the window's graded features, then grading and summaries.
    predictions: rolling(table('predictions', 'player_prop_predictions', 'game_date',
      after(['tdza', 'psza', 'pcf', 'pdc', 'mlfs', 'pgs'], { mlfs: LOOKBACK_DAYS, pgs: LOOKBACK_DAYS }))),
    grading: rolling(table('grading', 'prediction_accuracy', 'game_date', ['predictions', 'pgs'])),
    sdp: rolling(table('sdp', 'system_daily_performance', 'game_date', ['grading'])),
    pps: rolling(table('pps', 'prediction_performance_summary', 'game_date', after(['grading'], { grading: LOOKBACK_DAYS }))),
    sta: rolling(table('sta', 'scoring_tier_adjustments', 'game_date', ['sdp', 'pps'])),
    // Phase 6: one published file per graded date.
    exports: rolling({
      files: 'data/exports/{date}.json',
      deps: ['grading', 'sdp', 'pps', 'sta'],
      run: job('exports', '--out-dir', 'data/exports'),
      shard: 120,
    }),
  },
});

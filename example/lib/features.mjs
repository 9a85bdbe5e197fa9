// @ts-check
/** The ml_feature_store_v2 feature vector: one list, so the store and the models agree on order. */

/** Feature names (in vector order) and the SQL that computes each from mlfs's inputs. */
export const FEATURES = Object.freeze(/** @type {const} */ ([
  ['points_avg_last_5', 'd.points_avg_last_5'],
  ['points_avg_last_10', 'd.points_avg_last_10'],
  ['points_avg_30d', 'd.points_avg_30d'],
  ['points_std_30d', 'd.points_std_30d'],
  ['minutes_avg_last_5', 'd.minutes_avg_last_5'],
  ['usage_avg_30d', 'd.usage_avg_30d'],
  ['zone_matchup_factor', 'c.zone_matchup_factor'],
  ['pace_factor', 'c.pace_factor'],
  ['fatigue_factor', 'c.fatigue_factor'],
  ['composite_factor', 'c.composite_factor'],
  ['is_home', 'u.is_home'],
  ['days_rest', 'u.days_rest'],
  ['back_to_back', 'u.back_to_back'],
]));

/** The version tag written with every vector. */
export const FEATURE_VERSION = 'v2';

/** @typedef {{ [K in (typeof FEATURES)[number][0]]: number }} FeatureRow */

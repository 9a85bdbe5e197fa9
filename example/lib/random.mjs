// @ts-check
/**
 * Seeded randomness for the synthetic league. Every stream is seeded from a string such as a
 * date, so generating one day alone or inside a range draws exactly the same numbers.
 */

/** A 32-bit FNV-1a hash of the parts joined by '|'. */
export function hashSeed(/** @type {(string | number)[]} */ ...parts) {
  const text = parts.join('|');
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * @typedef {object} Rng
 * @property {() => number} next  uniform in [0, 1)
 * @property {(lo: number, hi: number) => number} int  uniform integer in [lo, hi]
 * @property {(mean: number, sd: number) => number} normal
 * @property {(p: number) => boolean} chance
 * @property {<T>(items: readonly T[]) => T[]} shuffled  a shuffled copy
 */

/** A mulberry32 stream seeded from `parts` (see hashSeed). */
export function rng(/** @type {(string | number)[]} */ ...parts) {
  let state = hashSeed(...parts);
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  /** @type {Rng} */
  const r = {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    // Box-Muller; 1 - next() keeps the log argument away from zero.
    normal: (mean, sd) => mean + sd * Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next()),
    chance: (p) => next() < p,
    shuffled: (items) => {
      const out = [...items];
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [out[i], out[j]] = /** @type {[any, any]} */ ([out[j], out[i]]);
      }
      return out;
    },
  };
  return r;
}

// @ts-check
/** Calendar-date helpers for `YYYY-MM-DD` strings, computed in UTC so no time zone shifts a day. */

const DAY_MS = 86_400_000;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** True for a real calendar date written `YYYY-MM-DD` (rejects 2024-02-30). */
export function isIsoDate(/** @type {unknown} */ value) {
  if (typeof value !== 'string' || !ISO_DATE.test(value)) return false;
  const ms = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === value;
}

/** Days since 1970-01-01 of a `YYYY-MM-DD` date. */
function dayNumber(/** @type {string} */ date) {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY_MS;
}

/** `YYYY-MM-DD` of a day number; formatted by hand because every processor start builds the calendar. */
function fromDayNumber(/** @type {number} */ n) {
  const d = new Date(n * DAY_MS);
  const m = d.getUTCMonth() + 1;
  const day = d.getUTCDate();
  return `${d.getUTCFullYear()}-${m < 10 ? '0' : ''}${m}-${day < 10 ? '0' : ''}${day}`;
}

/** The date `days` calendar days after `date` (negative goes back). */
export function addDays(/** @type {string} */ date, /** @type {number} */ days) {
  return fromDayNumber(dayNumber(date) + days);
}

/** Calendar days from `a` to `b` (positive when `b` is later). */
export function daysBetween(/** @type {string} */ a, /** @type {string} */ b) {
  return dayNumber(b) - dayNumber(a);
}

/** Day of week, 0 = Sunday. */
export function weekday(/** @type {string} */ date) {
  return (((dayNumber(date) + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
}

/** Every calendar day from `start` to `end`, inclusive. */
export function eachDay(/** @type {string} */ start, /** @type {string} */ end) {
  /** @type {string[]} */
  const days = [];
  for (let n = dayNumber(start), last = dayNumber(end); n <= last; n++) days.push(fromDayNumber(n));
  return days;
}

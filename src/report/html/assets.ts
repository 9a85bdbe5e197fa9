/**
 * The report's style and script, inlined into the page: the file must open anywhere, offline,
 * and its Content-Security-Policy forbids fetching anything at all.
 */

export const STYLE = `
:root { --cell: 6px; --name: 9.5rem; color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; padding: 1.25rem 1.5rem 3rem; font: 13px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #1f2328; background: #fff; }
h1 { font-size: 1.35rem; margin: 0 0 .25rem; }
h1 span { font-weight: 400; color: #59636e; }
h2 { font-size: 1.05rem; margin: 1.75rem 0 .5rem; }
h3 { font-size: .9rem; margin: .9rem 0 .2rem; }
h3 small { font-weight: 400; color: #59636e; margin-left: .4rem; }
.meta { color: #59636e; margin: 0; }
.verdict { margin: .5rem 0 0; font-weight: 600; }
.verdict.ok { color: #1a7f37; }
.verdict.bad { color: #b42318; }
code, .mono, td.num, td.mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 12px; }
.legend { display: flex; flex-wrap: wrap; gap: .35rem 1rem; margin: .25rem 0 .5rem; color: #59636e; }
.legend span { display: inline-flex; align-items: center; gap: .35rem; }
.legend i { display: inline-block; width: 12px; height: 12px; border-radius: 2px; }
.grid { display: flex; flex-direction: column; gap: 1px; }
.line { display: flex; align-items: center; }
.name { flex: 0 0 var(--name); width: var(--name); padding-right: .5rem; text-align: right; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 11px; line-height: 12px; }
.track { display: flex; width: calc(var(--cell) * var(--n)); height: 12px; }
.months .track { height: auto; }
.months .track span { overflow: hidden; white-space: nowrap; font-size: 11px; color: #59636e; border-left: 1px solid #d0d7de; padding-left: 2px; }
.track i { display: block; height: 100%; min-width: 0; }
.p { background: #2da44e; }
.s { background: #e3a008; }
.t { background: #8250df; }
.m { background: #f3b5b0; }
.f { background: #b42318; }
.r { background: #2f81f7; }
.x { background: repeating-linear-gradient(135deg, #eaeef2 0 3px, #f6f8fa 3px 6px); }
.row:hover .name { font-weight: 700; }
#tip { position: fixed; z-index: 10; max-width: 36rem; padding: .4rem .55rem; border-radius: 6px; background: #1f2328; color: #fff; font-size: 12px; pointer-events: none; white-space: pre-line; box-shadow: 0 4px 14px rgba(0,0,0,.25); }
table { border-collapse: collapse; margin-top: .25rem; }
th, td { padding: .25rem .7rem .25rem 0; text-align: left; vertical-align: top; border-bottom: 1px solid #eaeef2; }
th { font-weight: 600; color: #59636e; border-bottom-color: #d0d7de; }
td.num, th.num { text-align: right; }
td.bad { color: #b42318; font-weight: 600; }
td.ok { color: #1a7f37; }
.failures { margin: .15rem 0 .4rem 1rem; padding: 0; list-style: none; color: #59636e; }
.failures li { margin: .1rem 0; }
.failures b { color: #b42318; font-weight: 600; }
`;

/**
 * Hover details: the cell under the pointer is worked out from the pointer's position in its
 * row (the page draws runs of equal cells as one element, so 918 × 20 cells stay a few hundred
 * elements), then named with its date, state and note.
 */
export const SCRIPT = `
(() => {
  document.documentElement.classList.add('js');
  const data = JSON.parse(document.getElementById('data').textContent);
  const tip = document.getElementById('tip');
  const LABEL = { p: 'present', s: 'stale', t: 'thin (fails its data checks)', m: 'missing', f: 'failed in its last attempt', r: 'being built now', x: 'excluded (never expected)' };
  const DAY = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  for (const el of document.querySelectorAll('.track i[title]')) el.removeAttribute('title');
  document.addEventListener('mousemove', (event) => {
    const cell = event.target instanceof Element ? event.target.closest('.row .track i') : null;
    if (!cell) { tip.hidden = true; return; }
    const track = cell.parentElement;
    const box = track.getBoundingClientRect();
    const start = Number(track.dataset.s);
    const count = Number(track.dataset.e) - start;
    const i = start + Math.min(count - 1, Math.max(0, Math.floor(((event.clientX - box.left) / box.width) * count)));
    const target = track.parentElement.dataset.t;
    const date = data.calendar[i];
    const note = (data.notes[target] || {})[i];
    const day = DAY[new Date(date + 'T00:00:00Z').getUTCDay()];
    tip.textContent = target + ' · ' + date + ' (' + day + ') · ' + LABEL[cell.className] + (note ? '\\n' + note : '');
    tip.hidden = false;
    const x = Math.min(event.clientX + 14, window.innerWidth - tip.offsetWidth - 8);
    const y = event.clientY + 18 + tip.offsetHeight > window.innerHeight ? event.clientY - tip.offsetHeight - 10 : event.clientY + 18;
    tip.style.left = x + 'px';
    tip.style.top = y + 'px';
  });
})();
`;

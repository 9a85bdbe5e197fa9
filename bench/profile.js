// Summarises V8 CPU profiles (`node --cpu-prof`), such as those `npm run bench -- --profile DIR`
// writes: where the busy (non-idle) time goes, by package or bftask file, by function (self
// time), and by bftask function including what it calls.
//   node bench/profile.js DIR|FILE.cpuprofile ...
//   node bench/profile.js --callers existsSync DIR   the call paths into one function
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { root } from './lib/measure.js';

/**
 * @typedef {{ functionName: string, url: string, lineNumber: number }} CallFrame
 * @typedef {{ id: number, callFrame: CallFrame, children?: number[] }} ProfileNode
 * @typedef {{ nodes: ProfileNode[], samples: number[], timeDeltas: number[] }} Profile
 */

/** @type {(url: string) => string} */
function area(url) {
  if (url === '') return '(native)';
  const file = url.startsWith('file://') ? fileURLToPath(url) : url;
  const modules = file.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const [scope, name] = file.slice(modules + 'node_modules/'.length).split('/');
    return scope?.startsWith('@') ? `${scope}/${name}` : (scope ?? file);
  }
  if (file.startsWith('node:')) return file.split('/')[0] ?? file;
  if (file.startsWith(root)) return path.relative(root, file);
  return path.basename(file);
}

/** @type {(frame: CallFrame) => string} */
function where(frame) {
  if (frame.url === '') return '';
  const file = frame.url.startsWith('file://') ? fileURLToPath(frame.url) : frame.url;
  const shown = file.startsWith(root) ? path.relative(root, file) : file.replace(/^.*node_modules\//, '');
  return `${shown}:${frame.lineNumber + 1}`;
}

/** @type {(frame: CallFrame) => string} */
const keyOf = (frame) => `${frame.functionName || '(anonymous)'}  ${where(frame)}`;

/**
 * @param {string} file
 * @param {number} [top]
 */
export function summarise(file, top = 12) {
  /** @type {Profile} */
  const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  /** @type {Map<number, number>} */
  const self = new Map();
  let idle = 0;
  let total = 0;
  for (const [i, id] of profile.samples.entries()) {
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    total += dt;
    if (byId.get(id)?.callFrame.functionName === '(idle)') idle += dt;
    else self.set(id, (self.get(id) ?? 0) + dt);
  }
  const busy = total - idle;

  /** @type {Map<string, number>} */
  const byArea = new Map();
  /** @type {Map<string, number>} */
  const bySelf = new Map();
  for (const [id, ms] of self) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    const special = frame.url === '' && frame.functionName.startsWith('(');
    const a = special ? frame.functionName : area(frame.url);
    byArea.set(a, (byArea.get(a) ?? 0) + ms);
    bySelf.set(keyOf(frame), (bySelf.get(keyOf(frame)) ?? 0) + ms);
  }

  // Total (inclusive) time per function, counting a recursive function once per stack.
  /** @type {Map<number, number>} */
  const subtree = new Map();
  /** @type {(id: number) => number} */
  const sum = (id) => {
    const node = byId.get(id);
    let ms = self.get(id) ?? 0;
    for (const child of node?.children ?? []) ms += sum(child);
    subtree.set(id, ms);
    return ms;
  };
  const rootNode = profile.nodes[0];
  if (rootNode) sum(rootNode.id);
  /** @type {Map<string, number>} */
  const inclusive = new Map();
  /** @type {Map<string, number>} */
  const active = new Map();
  /** @type {(id: number) => void} */
  const walk = (id) => {
    const node = byId.get(id);
    if (!node) return;
    const key = keyOf(node.callFrame);
    if (!active.get(key)) inclusive.set(key, (inclusive.get(key) ?? 0) + (subtree.get(id) ?? 0));
    active.set(key, (active.get(key) ?? 0) + 1);
    for (const child of node.children ?? []) walk(child);
    active.set(key, (active.get(key) ?? 0) - 1);
  };
  if (rootNode) walk(rootNode.id);

  // Time per package or file with callees included: samples with a frame of it on the stack.
  /** @type {Map<number, number>} */
  const parentOf = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  /** @type {Map<string, number>} */
  const areaInclusive = new Map();
  for (const [id, ms] of self) {
    /** @type {Set<string>} */
    const seen = new Set();
    for (let at = /** @type {number | undefined} */ (id); at !== undefined; at = parentOf.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (frame && frame.url !== '') seen.add(area(frame.url));
    }
    for (const a of seen) areaInclusive.set(a, (areaInclusive.get(a) ?? 0) + ms);
  }

  const pct = (/** @type {number} */ ms) => `${((100 * ms) / busy).toFixed(1).padStart(5)}%`;
  const ranked = (/** @type {Map<string, number>} */ m, /** @type {(k: string) => boolean} */ keep = () => true) =>
    [...m].filter(([k]) => keep(k)).sort((a, b) => b[1] - a[1]).slice(0, top);
  const lines = [
    `${path.relative(process.cwd(), file)}: ${(total / 1000).toFixed(2)} s sampled, ${(busy / 1000).toFixed(2)} s busy (shares below are of busy time)`,
    '  self time by package or bftask file:',
    ...ranked(byArea).map(([k, ms]) => `    ${pct(ms)}  ${(ms / 1000).toFixed(2).padStart(6)} s  ${k}`),
    '  packages and bftask files with what they call:',
    ...ranked(areaInclusive).map(([k, ms]) => `    ${pct(ms)}  ${(ms / 1000).toFixed(2).padStart(6)} s  ${k}`),
    '  functions by self time:',
    ...ranked(bySelf).map(([k, ms]) => `    ${pct(ms)}  ${k}`),
    '  bftask functions (dist/) by total time, callees included:',
    ...ranked(inclusive, (k) => k.includes(' dist/')).map(([k, ms]) => `    ${pct(ms)}  ${k}`),
  ];
  return lines.join('\n');
}

/** Every .cpuprofile in `dirOrFile` (searched recursively), or the file itself. */
export function profilesIn(/** @type {string} */ dirOrFile) {
  if (!fs.statSync(dirOrFile).isDirectory()) return [dirOrFile];
  return fs
    .readdirSync(dirOrFile, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.cpuprofile'))
    .sort()
    .map((f) => path.join(dirOrFile, f));
}

/**
 * The call paths into function `name` (outermost call of it per stack), heaviest first, with
 * the time spent in it and below.
 * @param {string} file
 * @param {string} name
 * @param {number} [depth]
 */
export function callers(file, name, depth = 6) {
  /** @type {Profile} */
  const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  /** @type {Map<number, number>} */
  const parentOf = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  /** @type {Map<number, number>} */
  const below = new Map();
  for (const [i, id] of profile.samples.entries()) {
    if (byId.get(id)?.callFrame.functionName === '(idle)') continue;
    for (let at = /** @type {number | undefined} */ (id); at !== undefined; at = parentOf.get(at)) {
      below.set(at, (below.get(at) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
    }
  }
  /** @type {Map<string, number>} */
  const paths = new Map();
  for (const node of profile.nodes) {
    if (node.callFrame.functionName !== name) continue;
    const chain = [];
    let nested = false;
    for (let at = parentOf.get(node.id); at !== undefined; at = parentOf.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (!frame) break;
      if (frame.functionName === name) nested = true;
      if (chain.length < depth) chain.push(`${frame.functionName || '(anonymous)'} ${where(frame)}`);
    }
    if (nested) continue;
    const key = chain.join(' < ');
    paths.set(key, (paths.get(key) ?? 0) + (below.get(node.id) ?? 0));
  }
  return [...paths]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 10)
    .map(([k, ms]) => `${ms.toFixed(0).padStart(7)} ms  ${name} < ${k}`)
    .join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--callers');
  const name = at >= 0 ? args.splice(at, 2)[1] : undefined;
  for (const arg of args) {
    for (const file of profilesIn(arg)) console.log(`${name ? `${file}\n${callers(file, name)}` : summarise(file)}\n`);
  }
}

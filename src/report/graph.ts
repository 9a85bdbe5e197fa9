/**
 * What `bftask graph` prints: the selected targets' dependency graph with each target's coverage
 * (present/expected) and lookbacks on the edges, as indented text, Mermaid or Graphviz DOT.
 */
import type { Dependency } from '../config/config.js';
import { PLAIN, type Paint } from './color.js';
import { formatCount, formatTable } from './format.js';

export type GraphFormat = 'text' | 'mermaid' | 'dot';
export const GRAPH_FORMATS: readonly GraphFormat[] = ['text', 'mermaid', 'dot'];

export interface GraphNode {
  readonly name: string;
  readonly label: string;
  readonly deps: readonly Dependency[];
  readonly expected: number;
  readonly present: number;
}

/** Nodes in dependency order (dependencies first), with edges to selected nodes only. */
export interface Graph {
  readonly nodes: readonly GraphNode[];
}

const coverage = (n: GraphNode) => `${formatCount(n.present)}/${formatCount(n.expected)}`;
const edgeLabel = (d: Dependency) => (d.lookback > 0 ? `lookback ${d.lookback}` : '');

/** How deep each node sits: 0 for what reads nothing selected, else one below its deepest input. */
function depths(graph: Graph): Map<string, number> {
  const depth = new Map<string, number>();
  for (const n of graph.nodes) depth.set(n.name, Math.max(-1, ...n.deps.map((d) => depth.get(d.target) ?? -1)) + 1);
  return depth;
}

/**
 * One line per target in dependency order, indented by its depth in the graph, with its
 * coverage, output and inputs:
 *
 *   boxscores     918/918  nba_player_boxscores
 *     pgs         918/918  player_game_summary        ← boxscores, team_boxscores
 *       psza      848/848  player_shot_zone_analysis  ← pgs (lookback 14), tdg, tog
 */
export function formatGraphText(graph: Graph, paint: Paint = PLAIN): string {
  const depth = depths(graph);
  const rows = graph.nodes.map((n) => {
    const inputs = n.deps.map((d) => (d.lookback > 0 ? `${d.target} (lookback ${d.lookback})` : d.target)).join(', ');
    return [`${'  '.repeat(depth.get(n.name) ?? 0)}${n.name}`, coverage(n), n.label, inputs ? `← ${inputs}` : ''];
  });
  const lines = formatTable(rows, ['l', 'r', 'l', 'l']);
  // Coloured after padding, so escape codes never shift a column.
  return lines
    .map((line, i) => {
      const n = graph.nodes[i] as GraphNode;
      const figure = coverage(n);
      const at = line.indexOf(figure, (rows[i]?.[0] ?? '').length);
      const painted = n.present >= n.expected ? paint.green(figure) : paint.red(figure);
      return at < 0 ? line : `${line.slice(0, at)}${painted}${line.slice(at + figure.length)}`;
    })
    .join('\n');
}

/** Words Mermaid reads as keywords: a node may not be called by them. */
const MERMAID_KEYWORDS = new Set(['end', 'graph', 'subgraph', 'flowchart', 'style', 'class', 'classDef', 'click', 'linkStyle', 'direction', 'call', 'href']);

/** A Mermaid flowchart, left to right; incomplete targets get a red outline. */
export function formatGraphMermaid(graph: Graph): string {
  const id = (name: string) => (MERMAID_KEYWORDS.has(name) || name.includes('-') ? `t_${name.replaceAll('-', '_')}` : name);
  const lines = ['flowchart LR'];
  for (const n of graph.nodes) lines.push(`  ${id(n.name)}["${n.name}<br/>${coverage(n)}"]`);
  for (const n of graph.nodes) {
    for (const d of n.deps) lines.push(`  ${id(d.target)} -->${edgeLabel(d) ? `|${edgeLabel(d)}|` : ''} ${id(n.name)}`);
  }
  const incomplete = graph.nodes.filter((n) => n.present < n.expected);
  lines.push('  classDef complete stroke:#2e7d32,stroke-width:2px', '  classDef incomplete stroke:#c62828,stroke-width:2px');
  const complete = graph.nodes.filter((n) => n.present >= n.expected);
  if (complete.length > 0) lines.push(`  class ${complete.map((n) => id(n.name)).join(',')} complete`);
  if (incomplete.length > 0) lines.push(`  class ${incomplete.map((n) => id(n.name)).join(',')} incomplete`);
  return lines.join('\n');
}

/** A Graphviz digraph (`bftask graph --format dot | dot -Tsvg > graph.svg`). */
export function formatGraphDot(graph: Graph): string {
  const escape = (text: string) => text.replaceAll('\\', '\\\\').replaceAll('"', '\\"');
  const quote = (text: string) => `"${escape(text)}"`;
  const lines = ['digraph bftask {', '  rankdir=LR;', '  node [shape=box, style=rounded, fontname="Helvetica"];'];
  for (const n of graph.nodes) {
    const colour = n.present >= n.expected ? '#2e7d32' : '#c62828';
    // `\n` in a DOT label is a line break.
    lines.push(`  ${quote(n.name)} [label="${escape(n.name)}\\n${coverage(n)}", color=${quote(colour)}];`);
  }
  for (const n of graph.nodes) {
    for (const d of n.deps) lines.push(`  ${quote(d.target)} -> ${quote(n.name)}${edgeLabel(d) ? ` [label=${quote(edgeLabel(d))}]` : ''};`);
  }
  lines.push('}');
  return lines.join('\n');
}

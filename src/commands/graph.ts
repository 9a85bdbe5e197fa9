/** `bftask graph [targets...] [--format text|mermaid|dot]`: the dependency graph with coverage. Reads only. */
import type { Config } from '../config/config.js';
import { formatGraphDot, formatGraphMermaid, formatGraphText, type Graph, type GraphFormat } from '../report/graph.js';
import { newRunId } from '../run/logs.js';
import { planFromWarehouse, type PlanRequest } from '../session.js';
import { counted } from '../report/format.js';
import { formatRun } from '../util/dates.js';
import { unreachable } from '../util/unreachable.js';
import { withWarehouse } from '../warehouse/open.js';
import type { Io } from './io.js';

export interface GraphOptions {
  readonly format: GraphFormat;
}

export async function graph(config: Config, options: GraphOptions, request: PlanRequest, io: Io): Promise<number> {
  return withWarehouse(config, io, newRunId(), false, async (warehouse) => {
    // Coverage as status sees it: present dates, not staleness.
    const { plan } = await planFromWarehouse(config, warehouse, { ...request, force: new Set(), presenceOnly: true });
    const selected = new Set(plan.targets.map((t) => t.name));
    const shape: Graph = {
      nodes: plan.targets.map((t) => ({
        name: t.name,
        label: t.label,
        deps: (config.targets.get(t.name)?.deps ?? []).filter((d) => selected.has(d.target)),
        expected: t.expected.length,
        present: t.present,
      })),
    };
    switch (options.format) {
      case 'text':
        io.out(`bftask · graph · ${formatRun(plan.range)} · ${counted(plan.targets.length, 'target')} · present/expected dates\n`);
        io.out(formatGraphText(shape, io.paint));
        return 0;
      case 'mermaid':
        io.out(formatGraphMermaid(shape));
        return 0;
      case 'dot':
        io.out(formatGraphDot(shape));
        return 0;
      default:
        return unreachable(options.format);
    }
  });
}

// `bin/bftask.js` plus one thing: at exit, this process's own CPU time and peak memory (not its
// children's) go as JSON to the file named by $BFTASK_BENCH_STATS.
//   BFTASK_BENCH_STATS=stats.json node bench/lib/inproc.js [bftask arguments...]
import fs from 'node:fs';
import { main } from '../../dist/cli.js';

const statsFile = process.env.BFTASK_BENCH_STATS;
if (statsFile) {
  process.on('exit', (code) => {
    const cpu = process.cpuUsage();
    fs.writeFileSync(
      statsFile,
      JSON.stringify({
        userMs: cpu.user / 1000,
        systemMs: cpu.system / 1000,
        maxRssKb: process.resourceUsage().maxRSS,
        exitCode: code,
      }),
    );
  });
}
main(process.argv.slice(2));

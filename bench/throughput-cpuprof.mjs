// Preload for profiling the engine under the throughput bench: `--cpu-prof` is not allowed in NODE_OPTIONS (and the
// supervisor spawns its instances itself), so bench/throughput.ts, when THROUGHPUT_CPU_PROF=<dir> is set, starts the
// engine with NODE_OPTIONS="--import <this file>". Plain JavaScript: with tsx preloaded as well, the engine hung at start. Every process of the engine (supervisor and instance)
// then runs V8's sampling profiler from start-up and writes `<dir>/<entry>-<pid>.cpuprofile` when it exits.
// In-thread inspector sessions answer synchronously, so stopping the profiler inside process.on('exit') works.
import { writeFileSync } from 'node:fs';
import inspector from 'node:inspector';
import { basename } from 'node:path';

const dir = process.env['THROUGHPUT_CPU_PROF'];
if (dir) {
  const session = new inspector.Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  session.post('Profiler.start');
  process.on('exit', () => {
    session.post('Profiler.stop', (error, result) => {
      if (error) return;
      const entry = basename(process.argv[1] ?? 'node').replace(/\.[cm]?js$/, '');
      writeFileSync(`${dir}/${entry}-${process.pid}.cpuprofile`, JSON.stringify(result.profile));
    });
  });
}

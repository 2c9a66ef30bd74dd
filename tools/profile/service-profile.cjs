// Where a service's time goes, for issue 16's profiles: load it into every process of a run with
//   PROFILE_DIR=/tmp/profile NODE_OPTIONS="--require $PWD/tools/profile/service-profile.cjs" npm run bench -- ...
// Each service (a script under apps/) writes, when it is told to stop (SIGTERM) or exits, <pid>.json (its CPU time
// and every PostgreSQL statement it sent, counted by text) and <pid>.cpuprofile (a sampling CPU profile).
// `node tools/profile/summarize.mjs $PROFILE_DIR` prints them per service. Not loaded by anything in the product.
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const inspector = require('node:inspector');

const dir = process.env.PROFILE_DIR;
const script = process.argv[1] ?? '';
if (dir && /\/apps\//.test(script)) {
  mkdirSync(dir, { recursive: true });
  const statements = new Map();
  const { Client } = require(require.resolve('pg', { paths: [script] }));
  const query = Client.prototype.query;
  Client.prototype.query = function (config, ...rest) {
    const text = String((typeof config === 'string' ? config : config?.text) ?? '?').replace(/\s+/g, ' ').trim().slice(0, 100);
    statements.set(text, (statements.get(text) ?? 0) + 1);
    return query.call(this, config, ...rest);
  };
  const session = new inspector.Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.start');
  let written = false;
  const write = () => {
    if (written) return;
    written = true;
    const service = `${script.split('/apps/')[1].split('/')[0]} ${process.env.INSTANCE_KEY ?? process.env.PORT ?? ''}`.trim();
    writeFileSync(join(dir, `${process.pid}.json`), JSON.stringify({ service, cpu: process.cpuUsage(), statements: [...statements].sort((a, b) => b[1] - a[1]) }));
    // The in-process inspector session answers synchronously, so this also works in an exit handler.
    session.post('Profiler.stop', (error, result) => error || writeFileSync(join(dir, `${process.pid}.cpuprofile`), JSON.stringify(result.profile)));
  };
  // Nest's shutdown hook ends the process by signal, without 'exit'; ours runs first and only once.
  process.prependOnceListener('SIGTERM', write);
  process.on('exit', write);
}

// The layer rules of src/ (DESIGN.md §5, docs/architecture.md), checked by `npm test` through `npm run lint:deps`.

// The folders of src/, lowest first. A folder imports only folders below it, so no two folders can import each other
// round a loop (a file-level cycle is caught by no-cycles). See docs/architecture.md for what each layer is. `console`
// is the web console's browser code: lowest, so it imports none of the engine's code.
const LAYERS = ['console', 'util', 'pdata', 'config', 'extensions', 'pipeline', 'ipc', 'state', 'nodes', 'instance', 'admin', 'opamp', 'supervisor', 'cli'];

const layerRules = LAYERS.slice(0, -1).map((folder, i) => ({
  name: `layer-${folder}`,
  severity: 'error',
  comment: `src/${folder} sits below ${LAYERS.slice(i + 1).join(', ')} and imports none of them.`,
  from: { path: `^src/${folder}/` },
  to: { path: `^src/(${LAYERS.slice(i + 1).join('|')})/` },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'only-known-layers',
      severity: 'error',
      comment: 'A new folder of src/ takes its place in LAYERS first.',
      from: { path: '^src/' },
      to: { path: '^src/', pathNot: `^src/(${LAYERS.join('|')})/` },
    },
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'An import cycle makes load order matter and hides which part depends on which.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'data-plane-below-control-plane',
      severity: 'error',
      comment: 'Nodes, pipelines and pdata run inside instances: they never reach into the supervisor or the admin API.',
      from: { path: '^src/(nodes|pipeline|pdata)/' },
      to: { path: '^src/(supervisor|admin)/' },
    },
    {
      name: 'config-and-state-stand-alone',
      severity: 'error',
      comment: 'Config and state are read by every side; they depend on neither the supervisor nor the admin API.',
      from: { path: '^src/(config|state)/' },
      to: { path: '^src/(supervisor|admin)/' },
    },
    {
      name: 'control-plane-below-admin',
      severity: 'error',
      comment:
        'The admin API is one front end of the control plane (state/commands.ts): it calls the supervisor, never the reverse. ' +
        'Only the composition root (engine.ts, and the metrics registry it shares with the admin server) wires the two together.',
      from: { path: '^src/supervisor/', pathNot: '^src/supervisor/(engine|engine-metrics)\\.ts$' },
      to: { path: '^src/admin/' },
    },
    {
      name: 'control-plane-below-opamp',
      severity: 'error',
      comment:
        'The OpAMP agent is another front end of the control plane (state/commands.ts): only the composition root (engine.ts) starts it.',
      from: { path: '^src/supervisor/', pathNot: '^src/supervisor/engine\\.ts$' },
      to: { path: '^src/opamp/' },
    },
    {
      name: 'front-ends-side-by-side',
      severity: 'error',
      comment: 'The admin API and the OpAMP agent are two front ends of the same commands; neither goes through the other.',
      from: { path: '^src/opamp/' },
      to: { path: '^src/admin/' },
    },
    {
      name: 'admin-not-instance',
      severity: 'error',
      comment: 'The admin API lives in the supervisor process; instance code never loads there.',
      from: { path: '^src/admin/' },
      to: { path: '^src/instance/' },
    },
    {
      name: 'instance-not-supervisor',
      severity: 'error',
      comment: 'An instance talks to the supervisor over IPC only.',
      from: { path: '^src/instance/' },
      to: { path: '^src/supervisor/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};

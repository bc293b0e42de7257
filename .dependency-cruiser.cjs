// The dependency rule of README "How it is built": each layer imports only the layers below it.
//   kernel ← storage ← delivery ← domains ← scheduler, reports, privacy ← commands, web ← app
// Adapters use the kernel, storage handles and the command layer; only the app (the composition root) knows them.
const layers = [
  { name: 'kernel', path: '^src/kernel/' },
  { name: 'storage', path: '^src/storage/' },
  { name: 'delivery', path: '^src/delivery/' },
  { name: 'domains', path: '^src/(communities|rhythms|events|harvest|pairing|goals|networks|installations)/' },
  { name: 'scheduler, reports, privacy', path: '^src/(scheduler|reports|privacy)/' },
  { name: 'commands, web', path: '^src/(commands|web)/' },
  { name: 'app', path: '^src/(app/|main\\.ts$)' },
];

const upward = layers.slice(0, -1).map((layer, i) => ({
  name: `no-upward-from-${layer.name.replace(/[^a-z]+/g, '-')}`,
  comment: `${layer.name} may import only the layers below it`,
  severity: 'error',
  from: { path: layer.path },
  to: {
    path: layers
      .slice(i + 1)
      .map((higher) => higher.path)
      .concat('^adapters/'),
  },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No import cycles, type-only imports included.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...upward,
    {
      name: 'adapters-use-kernel-storage-and-commands',
      comment: 'Adapters translate payloads into command and listener calls; rules live in the core.',
      severity: 'error',
      from: { path: '^adapters/' },
      to: { path: '^src/', pathNot: '^src/(kernel|storage|commands)/' },
    },
    {
      name: 'no-platform-sdk-in-core',
      comment: 'The core never imports a platform SDK; adapters do.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/app/' },
      to: { path: 'node_modules/(@slack|discord\\.js|@discordjs)/' },
    },
    {
      name: 'migrations-are-frozen',
      comment: 'Migrations are frozen in time: they never import the code that changes after them.',
      severity: 'error',
      from: { path: '^migrations/' },
      to: { path: '^(src|adapters)/' },
    },
    {
      name: 'production-code-never-imports-tests',
      severity: 'error',
      from: { path: '^(src|adapters|migrations)/' },
      to: { path: '^(tests|bench)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js'] },
  },
};

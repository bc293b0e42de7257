// `npm run soak -- --minutes N [--seed S] [--kills K] [--fault-rate R] [--communities C]`: the crash and fault soak
// (tests/reliability/soak/run-soak.ts) at length. The real bot process against the rate-limited fake Slack and Discord,
// a week of scheduled work for C communities compressed into the run, killed with SIGKILL K times at random moments
// and restarted, while the fakes inject 5xx, unanswered calls, connection resets, 429 storms and gateway disconnects.
// Exits non-zero unless every expected post was delivered exactly once, nothing is stuck and the database is sound.
import { parseArgs } from 'node:util';
import { runSoak } from '../tests/reliability/soak/run-soak.js';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    seed: { type: 'string', default: String(Date.now() % 1_000_000) },
    kills: { type: 'string' },
    'fault-rate': { type: 'string', default: '0.05' },
    communities: { type: 'string' },
    'gateway-every': { type: 'string', default: '30' },
    'storm-every': { type: 'string', default: '60' },
  },
});
const minutes = Number(values.minutes);
if (!(minutes > 0)) throw new Error('--minutes takes a number of minutes, e.g. --minutes 20');
// A start takes 5 to 20 s on a busy machine: a kill every 40 s or so leaves each process some time at work.
const kills = values.kills === undefined ? Math.max(20, Math.round(minutes * 1.5)) : Number(values.kills);
const communities = values.communities === undefined ? Math.max(6, Math.round(minutes * 3)) : Number(values.communities);
const seed = Number(values.seed);
const out = (line: string) => process.stdout.write(`${line}\n`);

out(
  `soak: ${minutes} min, ${communities} communities, ${kills} kills, fault rate ${values['fault-rate']}, a 429 storm every ~${values['storm-every']} s, gateway drop every ~${values['gateway-every']} s, seed ${seed}`,
);
const report = await runSoak({
  activeMs: minutes * 60_000,
  communities,
  kills,
  faultRate: Number(values['fault-rate']),
  gatewayDisconnectEveryMs: Number(values['gateway-every']) * 1000,
  stormEveryMs: Number(values['storm-every']) * 1000,
  seed,
  drainMs: 10 * 60_000,
  progress: (line) => out(`  ${line}`),
});
const { account, faults, log } = report;
const faultsByKind = Object.entries(faults)
  .map(([kind, n]) => `${kind} ${n}`)
  .join(', ');
out('');
out(`seeds: scenario ${report.seeds.scenario}, kills ${report.seeds.kills}, faults ${report.seeds.faults} (run again with --seed ${seed})`);
out(
  `posts expected ${account.expected}, delivered ${account.delivered}, duplicated ${account.duplicated}, lost ${account.lost}, unexpected ${account.unexpected}`,
);
out(
  `restarts ${report.restarts} (${report.killsWhileStarting} of the kills while starting; unexpected exits ${report.unexpectedExits}); outbox rows stuck ${account.stuck}; integrity_check ${report.integrity}`,
);
out(`faults injected: ${faultsByKind}; 429s from the rate limits: Slack ${report.rateLimited.slack}, Discord ${report.rateLimited.discord}`);
out(
  `gateway: ${report.gateway.alive ? 'alive' : 'NOT ALIVE'} at the end; ${report.gateway.identifies} identifies (one per start, and after each refused resume), ${report.gateway.resumes} resumes`,
);
out(
  `log: ${log.lines} lines (${(log.bytes / 1024).toFixed(0)} KiB, ${(log.lines / (report.seconds / 60)).toFixed(0)} a minute), ${log.errors} at error level, ${log.unstructured} not JSON`,
);
for (const [reason, n] of Object.entries(log.retries).sort((a, b) => b[1] - a[1])) out(`  retried ${String(n).padStart(4)}×: ${reason}`);
for (const [msg, n] of Object.entries(log.byMessage)
  .sort((a, b) => b[1] - a[1])
  .slice(0, 12))
  out(`  log ${String(n).padStart(5)}× ${msg}`);
for (const [reason, n] of Object.entries(account.failed)) out(`  outbox rows failed ${n}×: ${reason}`);
for (const label of account.lostLabels.slice(0, 20)) out(`  lost: ${label}`);
for (const label of account.duplicatedLabels.slice(0, 20)) out(`  duplicated: ${label}`);
out(`took ${(report.seconds / 60).toFixed(1)} min (drain ${report.drainSeconds.toFixed(0)} s); database ${report.databasePath}; log ${report.logPath}`);
process.exitCode = account.lost + account.duplicated + account.stuck === 0 && report.integrity === 'ok' && report.gateway.alive ? 0 : 1;

// VUS virtual users at once, each making REQUESTS handler calls picked at
// random (seeded by SEED) over the app's one node-postgres Pool: what the
// dispatch-pool log records. Prints how many calls of each handler ran.
import { pool } from '../app/src/db/client';
import { customerDashboard } from '../app/src/handlers/dashboard';
import { depotBoard, depotStats } from '../app/src/handlers/depot';
import { assign, customersByTier, failedScans, track } from '../app/src/handlers/shipments';

function prng(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const seed = Number(process.env.SEED ?? 1);
const vus = Number(process.env.VUS ?? 8);
const requests = Number(process.env.REQUESTS ?? 20);
const calls: Record<string, number> = {};

type Call = [string, number, (pick: (n: number) => number) => Promise<unknown>];
const mix: Call[] = [
  ['customerDashboard', 30, (pick) => customerDashboard(1 + pick(20000))],
  ['depotBoard', 10, (pick) => depotBoard(1 + pick(12))],
  ['depotStats', 10, (pick) => depotStats(1 + pick(12))],
  ['track', 25, (pick) => track('SH' + String(1 + pick(100000)).padStart(8, '0'))],
  ['assign', 10, (pick) => assign(1 + pick(100000), 1 + pick(400))],
  ['failedScans', 8, () => failedScans(24)],
  ['customersByTier', 7, () => customersByTier('priority')],
];
const total = mix.reduce((sum, [, weight]) => sum + weight, 0);

async function user(index: number) {
  const random = prng(seed * 1000 + index);
  const pick = (n: number) => Math.floor(random() * n);
  for (let i = 0; i < requests; i++) {
    let at = pick(total);
    const [name, , run] = mix.find(([, weight]) => (at -= weight) < 0)!;
    calls[name] = (calls[name] ?? 0) + 1;
    await run(pick);
  }
}

await Promise.all(Array.from({ length: vus }, (_, i) => user(i)));
await pool.end();
console.log(JSON.stringify({ seed, vus, requests, calls }, null, 2));

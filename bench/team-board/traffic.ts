// VUS virtual users at once (users 1..VUS), each making REQUESTS tRPC calls
// picked at random (seeded by SEED) through the app's router over its one
// node-postgres Pool, a user's think time (0 to THINK_MS ms, default 1000)
// between calls: what the team-board logs record. Prints how many calls of
// each procedure ran.
import { pool } from '../app/src/db/client';
import { appRouter } from '../app/src/server/routers/_app';
import { createCallerFactory, createContext } from '../app/src/server/trpc';

function prng(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const seed = Number(process.env.SEED ?? 1);
const vus = Number(process.env.VUS ?? 4);
const requests = Number(process.env.REQUESTS ?? 30);
const thinkMs = Number(process.env.THINK_MS ?? 1000);
const calls: Record<string, number> = {};
const createCaller = createCallerFactory(appRouter);

// seed.sql: user u is a member of workspaces u, u + 12 and u + 24, and of
// 37, whose first three tasks every user opens; each workspace has 40 tasks
// (ids 40 * (w - 1) + 1 ..) and templates 2w - 1 and 2w.
type Caller = ReturnType<typeof createCaller>;
type Call = [string, number, (c: Caller, ws: number, pick: (n: number) => number) => Promise<unknown>];
const mix: Call[] = [
  ['comment.add', 20, (c, ws, pick) => c.comment.add({ workspaceId: ws, taskId: 40 * (ws - 1) + 1 + pick(40), body: 'looks good' })],
  ['checklist.copyTemplate', 12, (c, ws, pick) =>
    c.checklist.copyTemplate({ workspaceId: ws, templateId: 2 * ws - 1 + pick(2), taskId: 40 * (ws - 1) + 1 + pick(40) })],
  ['task.get', 28, (c, _ws, pick) => c.task.get({ workspaceId: 37, taskId: 40 * 36 + 1 + pick(3) })],
  ['task.board', 20, (c, ws) => c.task.board({ workspaceId: ws })],
  ['notification.badges', 20, (c) => c.notification.badges()],
];
const total = mix.reduce((sum, [, weight]) => sum + weight, 0);

async function user(index: number) {
  const random = prng(seed * 1000 + index);
  const pick = (n: number) => Math.floor(random() * n);
  const userId = index + 1;
  const caller = createCaller(createContext(userId));
  for (let i = 0; i < requests; i++) {
    let at = pick(total);
    const [name, , run] = mix.find(([, weight]) => (at -= weight) < 0)!;
    calls[name] = (calls[name] ?? 0) + 1;
    await run(caller, userId + 12 * pick(3), pick);
    await new Promise((resolve) => setTimeout(resolve, pick(thinkMs + 1)));
  }
}

await Promise.all(Array.from({ length: vus }, (_, i) => user(i)));
await pool.end();
console.log(JSON.stringify({ seed, vus, requests, thinkMs, calls }, null, 2));

// Virtual users of the flowdesk fixture app (fixtures/nplus1-app): each signs
// in as one member of one workspace and makes REQUESTS tRPC calls through the
// app's own router (every procedure at least once, the rest by weight), all
// users at once over the app's one pg Pool. What the users pick is seeded
// (SEED, VUS); the interleaving is real concurrency.
// The catalog of ids is read through a second connection whose role the
// server does not log. Prints a JSON summary (requests per procedure).
import { db, pool } from "@flowdesk/db";
import pg from "pg";

import { createCaller } from "../apps/api/src/root";
import { Random } from "./random";

interface Workspace {
  id: number;
  projects: string[];
  stages: { id: number; publicId: string }[];
  tickets: string[];
  checklists: string[];
  handles: string[];
}
interface Member {
  token: string;
  workspaceId: number;
}

async function readCatalog() {
  const setup = new pg.Client({ connectionString: process.env.SETUP_DATABASE_URL });
  await setup.connect();
  const rows = async (sql: string) => (await setup.query(sql)).rows;
  const workspaces = new Map<number, Workspace>();
  for (const row of await rows("SELECT id FROM workspaces ORDER BY id")) {
    workspaces.set(row.id, { id: row.id, projects: [], stages: [], tickets: [], checklists: [], handles: [] });
  }
  for (const row of await rows("SELECT workspace_id, public_id FROM projects ORDER BY id")) {
    workspaces.get(row.workspace_id)!.projects.push(row.public_id);
  }
  for (const row of await rows(
    "SELECT p.workspace_id, s.id, s.public_id FROM stages s JOIN projects p ON p.id = s.project_id ORDER BY s.id",
  )) {
    workspaces.get(row.workspace_id)!.stages.push({ id: row.id, publicId: row.public_id });
  }
  for (const row of await rows(`SELECT p.workspace_id, t.public_id FROM tickets t JOIN stages s ON s.id = t.stage_id
      JOIN projects p ON p.id = s.project_id WHERE t.deleted_at IS NULL ORDER BY t.id`)) {
    workspaces.get(row.workspace_id)!.tickets.push(row.public_id);
  }
  for (const row of await rows(`SELECT p.workspace_id, c.public_id FROM checklists c JOIN tickets t ON t.id = c.ticket_id
      JOIN stages s ON s.id = t.stage_id JOIN projects p ON p.id = s.project_id ORDER BY c.id`)) {
    workspaces.get(row.workspace_id)!.checklists.push(row.public_id);
  }
  const members: Member[] = [];
  for (const row of await rows(`SELECT m.workspace_id, u.handle, s.token FROM workspace_members m
      JOIN users u ON u.id = m.user_id JOIN sessions s ON s.user_id = u.id
      WHERE m.deleted_at IS NULL ORDER BY m.id`)) {
    workspaces.get(row.workspace_id)!.handles.push(row.handle);
    members.push({ token: row.token, workspaceId: row.workspace_id });
  }
  await setup.end();
  return { workspaces, members };
}

type Caller = ReturnType<typeof createCaller>;
type Request = (caller: Caller, ws: Workspace, random: Random) => Promise<unknown>;

// Procedure, weight, call.
const requests: [string, number, Request][] = [
  ["ticket.get", 10, (c, ws, r) => c.ticket.get({ publicId: r.pick(ws.tickets) })],
  ["project.board", 5, (c, ws, r) => c.project.board({ publicId: r.pick(ws.projects) })],
  ["project.list", 2, (c) => c.project.list()],
  ["ticket.listWithTags", 3, (c, ws, r) => c.ticket.listWithTags({ stageId: r.pick(ws.stages).id })],
  ["ticket.listCompact", 3, (c, ws, r) => c.ticket.listCompact({ stageId: r.pick(ws.stages).id })],
  ["role.permissions", 3, (c) => c.role.permissions()],
  ["role.mine", 2, (c) => c.role.mine()],
  ["role.ensureSystemRoles", 2, (c) => c.role.ensureSystemRoles()],
  [
    "comment.create",
    3,
    (c, ws, r) => {
      const handles = r.sample(ws.handles, r.int(5, 8));
      if (r.chance(0.3)) {
        handles.push("someone_else");
      }
      return c.comment.create({
        ticketPublicId: r.pick(ws.tickets),
        body: `Looks good, ${handles.map((h) => `@${h}`).join(" ")} please check`,
      });
    },
  ],
  ["checklist.addItem", 2, (c, ws, r) => c.checklist.addItem({ checklistPublicId: r.pick(ws.checklists), title: "One more step" })],
  ["checklist.duplicate", 2, (c, ws, r) => c.checklist.duplicate({ checklistPublicId: r.pick(ws.checklists) })],
  ["project.copy", 1, (c, ws, r) => c.project.copy({ publicId: r.pick(ws.projects), name: "Copy" })],
  ["stage.archiveAll", 1, (c, ws, r) => c.stage.archiveAll({ publicId: r.pick(ws.stages).publicId })],
  ["ticket.move", 3, (c, ws, r) => c.ticket.move({ publicId: r.pick(ws.tickets), stageId: r.pick(ws.stages).id })],
  ["ticket.digest", 2, (c) => c.ticket.digest()],
];
const total = requests.reduce((sum, [, weight]) => sum + weight, 0);

async function virtualUser(index: number, seed: number, count: number, catalog: Awaited<ReturnType<typeof readCatalog>>,
  done: Map<string, number>, failed: string[]) {
  const random = new Random(seed * 1000 + index);
  const me = random.pick(catalog.members);
  const ws = catalog.workspaces.get(me.workspaceId)!;
  const caller = createCaller({ db, token: me.token, workspaceId: me.workspaceId });
  // Every procedure once (so each loop runs in every log), the rest picked
  // by weight; in a seeded order.
  const plan = [...requests];
  while (plan.length < count) {
    let roll = random.next() * total;
    let chosen = requests[0]!;
    for (const request of requests) {
      roll -= request[1];
      if (roll < 0) {
        chosen = request;
        break;
      }
    }
    plan.push(chosen);
  }
  for (const chosen of random.sample(plan, plan.length)) {
    try {
      await chosen[2](caller, ws, random);
      done.set(chosen[0], (done.get(chosen[0]) ?? 0) + 1);
    } catch (error) {
      failed.push(`${chosen[0]}: ${(error as Error).message}`);
    }
    // Think time between a user's requests.
    await new Promise((resolve) => setTimeout(resolve, random.int(0, 20)));
  }
}

async function main() {
  const seed = Number(process.env.SEED ?? 1);
  const vus = Number(process.env.VUS ?? 4);
  const count = Number(process.env.REQUESTS ?? 40);
  const catalog = await readCatalog();
  const done = new Map<string, number>();
  const failed: string[] = [];
  await Promise.all(Array.from({ length: vus }, (_, i) => virtualUser(i, seed, count, catalog, done, failed)));
  await pool.end();
  const summary = { seed, vus, requestsPerUser: count, poolMax: pool.options.max, done: Object.fromEntries([...done].sort()), failed };
  console.log(JSON.stringify(summary, null, 2));
}

await main();

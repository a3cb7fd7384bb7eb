// helpdesk's agents (bench/apps-folder.sh): AGENTS agents at once, each
// opening the inbox (apps/api's GET /inbox, run through Hono's own
// request()) REQUESTS times, 40 to 120 ms apart; after each look the agent
// solves the oldest open ticket and a customer opens a new one (the
// inbox's rows change between loads, as a live inbox's do), unless
// STATIC_INBOX=1 (a quiet hour: every load reads the same tickets). Copied into
// helpdesk/apps/api/ before it runs, so the route and the package are
// imported as the server imports them.
import { eq } from "drizzle-orm";
import { db, tickets } from "@helpdesk/db";
import { inbox } from "./src/routes/inbox";

const agents = Number(process.env.AGENTS ?? 4);
const requests = Number(process.env.REQUESTS ?? 5);
let state = Number(process.env.SEED ?? 1);
const random = () => {
  state = (state * 1103515245 + 12345) % 2147483648;
  return state / 2147483648;
};
const pause = (ms: number) => new Promise((done) => setTimeout(done, ms));

// No top-level await: blog is a CommonJS package (no "type": "module").
async function main() {
  let calls = 0;
  let threads = 0;
  let solved = 0;
  await Promise.all(
    Array.from({ length: agents }, async () => {
      for (let i = 0; i < requests; ++i) {
        const response = await inbox.request("/inbox");
        const body = (await response.json()) as { id: number }[];
        calls += 1;
        threads += body.length;
        if (process.env.STATIC_INBOX === "1") {
          await pause(40 + Math.floor(random() * 80));
          continue;
        }
        const oldest = Math.min(...body.map((ticket) => ticket.id));
        await db.update(tickets).set({ status: "solved" }).where(eq(tickets.id, oldest));
        await db.insert(tickets).values({
          subject: "New ticket " + Math.floor(random() * 100000),
          requesterEmail: "customer" + Math.floor(random() * 1000) + "@example.com",
        });
        solved += 1;
        await pause(40 + Math.floor(random() * 80));
      }
    }),
  );
  console.log(JSON.stringify({ app: "helpdesk", inbox: calls, threads, solved }));
  process.exit(0);
}

void main();

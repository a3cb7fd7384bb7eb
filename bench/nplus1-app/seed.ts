// Fills a migrated database with workspaces, members, roles, projects and
// tickets. Run as a role whose statements the server does not log, so the
// traffic log holds only the API's requests. SEED fixes the data.
import { drizzle } from "drizzle-orm/node-postgres";
import pg from "pg";

import { schema } from "@flowdesk/db";

import { Random } from "./random";

const {
  checklistItems,
  checklists,
  projects,
  rolePermissions,
  sessions,
  stages,
  tags,
  ticketEvents,
  ticketTags,
  ticketWatchers,
  tickets,
  users,
  workspaceMembers,
  workspaceRoles,
  workspaces,
} = schema;

const PERMISSIONS = [
  "project:create", "project:delete", "project:copy", "stage:edit", "stage:archive", "ticket:create",
  "ticket:edit", "ticket:move", "ticket:delete", "comment:create", "comment:delete", "member:invite",
  "member:remove", "role:edit", "settings:edit",
];
const STAGE_NAMES = ["Inbox", "Next", "Doing", "Review", "Done"];
const TAG_NAMES = ["bug", "chore", "design", "urgent", "customer", "backend", "frontend"];

const random = new Random(Number(process.env.SEED ?? 1) * 7919);
const id12 = (prefix: string, n: number) => `${prefix}${String(n).padStart(12 - prefix.length, "0")}`;

async function main() {
  const pool = new pg.Pool({ connectionString: process.env.SETUP_DATABASE_URL, max: 1 });
  const db = drizzle(pool, { schema });
  const userRows = await db
    .insert(users)
    .values(
      Array.from({ length: 60 }, (_, i) => ({
        email: `user${i + 1}@flowdesk.test`,
        name: `User ${i + 1}`,
        handle: `user${i + 1}`,
      })),
    )
    .returning({ id: users.id });
  await db.insert(sessions).values(
    userRows.map((user, i) => ({
      token: `token-${i + 1}`,
      userId: user.id,
      expiresAt: new Date(Date.now() + 30 * 24 * 3600 * 1000),
    })),
  );
  let ticketNumber = 0;
  let objectNumber = 0;
  for (let w = 0; w < 6; w++) {
    const [workspace] = await db
      .insert(workspaces)
      .values({ publicId: id12("ws", w + 1), name: `Workspace ${w + 1}`, slug: `workspace-${w + 1}` })
      .returning({ id: workspaces.id });
    const roleNames = ["owner", "admin", "guest", ...random.sample(["design", "support", "qa", "ops", "sales", "legal"], random.int(3, 6))];
    const roles = await db
      .insert(workspaceRoles)
      .values(roleNames.map((name, i) => ({ workspaceId: workspace!.id, name, isSystem: i < 3 })))
      .returning({ id: workspaceRoles.id });
    await db.insert(rolePermissions).values(
      roles.flatMap((role) =>
        random.sample(PERMISSIONS, random.int(4, 12)).map((permission) => ({ roleId: role.id, permission })),
      ),
    );
    const members = random.sample(userRows, 12);
    await db.insert(workspaceMembers).values(
      members.map((user, i) => ({
        workspaceId: workspace!.id,
        userId: user.id,
        roleId: roles[i === 0 ? 0 : random.int(1, roles.length - 1)]!.id,
        deletedAt: i === 11 ? new Date() : null, // one former member
      })),
    );
    for (let p = 0; p < 3; p++) {
      const [project] = await db
        .insert(projects)
        .values({
          publicId: id12("pr", w * 10 + p + 1),
          workspaceId: workspace!.id,
          name: `Project ${w + 1}.${p + 1}`,
          createdBy: members[0]!.id,
        })
        .returning({ id: projects.id });
      const tagRows = await db
        .insert(tags)
        .values(
          TAG_NAMES.slice(0, 6).map((name) => ({
            publicId: id12("tg", ++objectNumber),
            projectId: project!.id,
            name,
            colour: `#${random.int(0, 0xffffff).toString(16).padStart(6, "0")}`,
          })),
        )
        .returning({ id: tags.id });
      const stageRows = await db
        .insert(stages)
        .values(
          STAGE_NAMES.slice(0, random.int(4, 5)).map((name, position) => ({
            publicId: id12("st", ++objectNumber),
            projectId: project!.id,
            name,
            position,
          })),
        )
        .returning({ id: stages.id });
      for (const stage of stageRows) {
        const ticketRows = await db
          .insert(tickets)
          .values(
            Array.from({ length: random.int(7, 12) }, (_, position) => ({
              publicId: id12("tk", ++ticketNumber),
              stageId: stage.id,
              title: `Ticket ${ticketNumber}`,
              description: "",
              position,
              createdBy: random.pick(members).id,
              archivedAt: random.chance(0.1) ? new Date() : null,
              deletedAt: random.chance(0.08) ? new Date() : null,
            })),
          )
          .returning({ id: tickets.id });
        for (const ticket of ticketRows) {
          const chosen = random.sample(tagRows, random.int(0, 3));
          if (chosen.length > 0) {
            await db.insert(ticketTags).values(chosen.map((tag) => ({ ticketId: ticket.id, tagId: tag.id })));
          }
          const watchers = random.sample(members, random.int(5, 9));
          await db.insert(ticketWatchers).values(watchers.map((user) => ({ ticketId: ticket.id, userId: user.id })));
          await db.insert(ticketEvents).values(
            Array.from({ length: random.int(1, 4) }, () => ({
              ticketId: ticket.id,
              actorId: random.pick(members).id,
              kind: random.pick(["ticket.created", "ticket.moved", "ticket.edited"]),
            })),
          );
          for (let c = 0; c < (random.chance(0.45) ? random.int(1, 2) : 0); c++) {
            const [checklist] = await db
              .insert(checklists)
              .values({ publicId: id12("cl", ++objectNumber), ticketId: ticket.id, name: `Checklist ${c + 1}`, position: c })
              .returning({ id: checklists.id });
            await db.insert(checklistItems).values(
              Array.from({ length: random.int(5, 9) }, (_, position) => ({
                publicId: id12("ci", ++objectNumber),
                checklistId: checklist!.id,
                title: `Step ${position + 1}`,
                done: random.chance(0.3),
                position,
              })),
            );
          }
        }
      }
    }
  }
  await pool.end();
}

await main();

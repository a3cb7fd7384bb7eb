// blog's readers (bench/apps-folder.sh): READERS readers at once, each
// opening the front page (latestPosts) and then a post (postBySlug)
// REQUESTS times. Copied into blog/ before it runs, so `@/db` resolves
// through the app's own tsconfig paths.
import { latestPosts, postBySlug } from "./src/lib/posts";

const readers = Number(process.env.READERS ?? 3);
const requests = Number(process.env.REQUESTS ?? 5);
let state = Number(process.env.SEED ?? 1) + 7;
const random = () => {
  state = (state * 1103515245 + 12345) % 2147483648;
  return state / 2147483648;
};
const pause = (ms: number) => new Promise((done) => setTimeout(done, ms));

// No top-level await: blog is a CommonJS package (no "type": "module").
async function main() {
  let fronts = 0;
  let posts = 0;
  await Promise.all(
    Array.from({ length: readers }, async () => {
      for (let i = 0; i < requests; ++i) {
        await latestPosts(10);
        fronts += 1;
        await pause(30 + Math.floor(random() * 60));
        await postBySlug("post-" + (1 + Math.floor(random() * 30)));
        posts += 1;
        await pause(30 + Math.floor(random() * 60));
      }
    }),
  );
  console.log(JSON.stringify({ app: "blog", latestPosts: fronts, postBySlug: posts }));
  process.exit(0);
}

void main();

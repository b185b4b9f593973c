// `npm run db -- <prisma args>`: runs the Prisma CLI against DATABASE_URL, or against the embedded
// development database when it is unset (e.g. `npm run db -- migrate dev --name add_thing`).
import { spawn } from "node:child_process";
import path from "node:path";
import { ROOT, startEmbeddedPostgres } from "./lib/database";

const args = process.argv.slice(2);
let databaseUrl = process.env.DATABASE_URL;
let stop = async () => {};
if (!databaseUrl) {
  const server = await startEmbeddedPostgres({ dataDir: ".data/postgres" });
  databaseUrl = await server.createDatabase("erysta");
  stop = server.stop;
}
const child = spawn(path.join(ROOT, "node_modules/.bin/prisma"), args, {
  cwd: ROOT,
  stdio: "inherit",
  env: { ...process.env, DATABASE_URL: databaseUrl },
});
child.on("exit", async (code) => {
  await stop();
  process.exit(code ?? 1);
});

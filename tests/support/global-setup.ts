// Starts one throwaway PostgreSQL (or uses DATABASE_URL's server when set), builds a migrated template
// database, and hands its URL to every test file through the environment.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { migrateDeploy, startEmbeddedPostgres } from "../../scripts/lib/database";

export default async function globalSetup() {
  let stop = async () => {};
  let templateUrl: string;
  if (process.env.DATABASE_URL) {
    // An external server: build the template next to the configured database.
    const url = new URL(process.env.DATABASE_URL);
    url.pathname = `/erysta_test_template_${randomBytes(4).toString("hex")}`;
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${url.pathname.slice(1)}"`);
    await admin.end();
    templateUrl = url.toString();
  } else {
    const server = await startEmbeddedPostgres({
      dataDir: `.data/test-postgres-${process.pid}`,
      ephemeral: true,
    });
    templateUrl = await server.createDatabase("erysta_template");
    stop = server.stop;
  }
  await migrateDeploy(templateUrl);
  process.env.TEST_TEMPLATE_DATABASE_URL = templateUrl;
  return stop;
}

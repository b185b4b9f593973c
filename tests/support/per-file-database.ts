// Runs before each test file: clones the migrated template into a database of the file's own and points
// DATABASE_URL at it, plus the local defaults every app module needs. App modules read the environment
// when first imported, which happens after this file.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { testEnvironment } from "./test-env";

const templateUrl = process.env.TEST_TEMPLATE_DATABASE_URL;
if (!templateUrl)
  throw new Error("TEST_TEMPLATE_DATABASE_URL is not set: run tests through vitest's global setup");

const template = new URL(templateUrl);
const name = `erysta_test_${randomBytes(6).toString("hex")}`;
const admin = new pg.Client({ connectionString: templateUrl.replace(template.pathname, "/postgres") });
await admin.connect();
try {
  await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template.pathname.slice(1)}"`);
} finally {
  await admin.end();
}
const url = new URL(templateUrl);
url.pathname = `/${name}`;
Object.assign(process.env, testEnvironment({ DATABASE_URL: url.toString() }));

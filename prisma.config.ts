// Prisma CLI configuration. The CLI runs in adapter mode ("js" engine) so that generate, migrate deploy
// and migrate dev work offline: no native engine binary is ever downloaded.
import path from "node:path";
import { defineConfig } from "prisma/config";
import { cliAdapterFactory, PLACEHOLDER_DATABASE_URL } from "./prisma/cli-adapter";

// `generate` needs no database, but schema validation wants env("DATABASE_URL") to resolve; without it
// the CLI falls back to downloading a native engine. A placeholder keeps generate offline; commands that
// connect get the real URL (or a clear error) from cliAdapterFactory.
if (!process.env.DATABASE_URL) {
  process.env.DATABASE_URL = PLACEHOLDER_DATABASE_URL;
}

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
  adapter: cliAdapterFactory,
});

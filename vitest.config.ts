import { defineConfig } from "vitest/config";
import tsconfigPaths from "vite-tsconfig-paths";

// One embedded PostgreSQL for the whole run (tests/support/global-setup.ts); every test file gets its
// own database cloned from a migrated template (tests/support/per-file-database.ts), so files run in
// parallel without seeing each other's rows or jobs.
export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    include: [
      "tests/**/*.test.ts",
      "tests/**/*.test.tsx",
      "extensions/**/*.test.ts",
      "extensions/**/*.test.tsx",
    ],
    globalSetup: ["tests/support/global-setup.ts"],
    setupFiles: ["tests/support/per-file-database.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    reporters: ["default", "./tests/support/summary-reporter.ts"],
  },
});

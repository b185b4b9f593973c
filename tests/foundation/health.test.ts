// The health endpoint against a PostgreSQL of its own, so the test can stop it and see the 503.
import { afterAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres, type LocalPostgres } from "../../scripts/lib/database";
import type { AppServer } from "../support/app-server";
import { waitFor } from "../support/wait";

describe("/healthz", () => {
  let pg: LocalPostgres | undefined;
  let app: AppServer | undefined;
  afterAll(async () => {
    await app?.close();
    await pg?.stop().catch(() => {});
  });

  it("answers 200 while the database and the queue answer, 503 once the database is gone", async () => {
    pg = await startEmbeddedPostgres({ dataDir: `.data/test-health-${process.pid}`, ephemeral: true });
    process.env.DATABASE_URL = await pg.createDatabase("health");
    const { startAppServer } = await import("../support/app-server");
    app = await startAppServer();

    // Readiness: the first answers may be 503 while pg-boss installs its schema in the fresh database
    // (each probe has 2 s); it must turn 200 once both answer.
    const up = await waitFor(
      async () => {
        const res = await fetch(`${app!.origin}/healthz`);
        return res.status === 200 ? res : undefined;
      },
      { what: "/healthz to answer 200", timeoutMs: 30_000 },
    );
    expect(await up.json()).toMatchObject({ ok: true, database: { ok: true }, queue: { ok: true } });

    await pg.stop();
    const down = await fetch(`${app.origin}/healthz`);
    expect(down.status).toBe(503);
    const body = await down.json();
    expect(body.ok).toBe(false);
    expect(body.database.ok).toBe(false);
    expect(body.database.error).toEqual(expect.any(String));
  });
});

// The health endpoint against a PostgreSQL of its own, so the test can stop it and see the 503.
import { afterAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres, type LocalPostgres } from "../../scripts/lib/database";
import type { AppServer } from "../support/app-server";

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

    const up = await fetch(`${app.origin}/healthz`);
    expect(up.status).toBe(200);
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

// Driver adapter used only by the Prisma CLI (migrate deploy/dev/status) in its offline "js" engine mode.
// It carries two workarounds for upstream bugs on that path, both verified on this stack:
//  1. prisma/orm#27403: the adapter cannot decode catalog columns of type `name` (OID 19) and `"char"`
//     (OID 18) that the schema engine reads; we report them as `text` (OID 25) before the adapter sees them.
//  2. `migrate dev` shadow database: built from a connection string the shadow pool would connect to the
//     main database, and the stock release drops the shadow database while its pool still holds
//     connections. We connect with discrete fields and close the pool before dropping.
//  3. The adapter's executeScript splits a migration on every ";", even inside a comment or a function
//     body ($$ … $$). PostgreSQL runs a multi-statement script itself, as one implicit transaction, so
//     the script is sent whole.
// Known issue: on this project's second migration `migrate dev` died with "RuntimeError: unreachable"
// inside the WASM schema engine (Prisma 6.19.3). `migrate diff --from-schema-datamodel/--to-schema-datamodel
// --script` generates the SQL instead, and `migrate deploy`/`status` work (see README, Development notes).
import { randomUUID } from "node:crypto";
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";

const TEXT_OID = 25;
const UNDECODABLE_OIDS = new Set([18, 19]);

type Fields = { dataTypeID: number }[] | undefined;
function reportAsText(result: unknown): unknown {
  const results = Array.isArray(result) ? result : [result];
  for (const r of results) {
    const fields = (r as { fields?: Fields } | null)?.fields;
    for (const field of fields ?? []) {
      if (UNDECODABLE_OIDS.has(field.dataTypeID)) field.dataTypeID = TEXT_OID;
    }
  }
  return result;
}

let patched = false;
function patchCatalogTypes(): void {
  if (patched) return;
  patched = true;
  const original = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  (pg.Client.prototype as unknown as { query: unknown }).query = function (
    this: unknown,
    ...args: unknown[]
  ) {
    const last = args[args.length - 1];
    if (typeof last === "function") {
      // Callback form, used by pg.Pool#query.
      args[args.length - 1] = (err: unknown, res: unknown) =>
        (last as (e: unknown, r: unknown) => void)(err, err ? res : reportAsText(res));
      return original.apply(this, args);
    }
    const out = original.apply(this, args);
    return out && typeof (out as Promise<unknown>).then === "function"
      ? (out as Promise<unknown>).then(reportAsText)
      : out;
  };
}

function connectionFields(url: string): pg.PoolConfig {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 5432,
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: decodeURIComponent(u.pathname.replace(/^\//, "")) || "postgres",
  };
}

type Adapter = Awaited<ReturnType<PrismaPg["connect"]>>;

function sendScriptsWhole(adapter: Adapter): Adapter {
  const queryable = adapter as unknown as { client: pg.Pool; onError(error: unknown): never };
  adapter.executeScript = async (script: string) => {
    try {
      await queryable.client.query(script);
    } catch (error) {
      queryable.onError(error);
    }
  };
  return adapter;
}

class CliPrismaPg extends PrismaPg {
  constructor(private readonly fields: pg.PoolConfig) {
    super(fields);
  }

  override async connect() {
    return sendScriptsWhole(await super.connect());
  }

  override async connectToShadowDb() {
    const admin = new pg.Client(this.fields);
    await admin.connect();
    const database = `prisma_shadow_${randomUUID().replace(/-/g, "")}`;
    await admin.query(`CREATE DATABASE "${database}"`);
    await admin.end();
    const shadow = sendScriptsWhole(await new PrismaPg({ ...this.fields, database }).connect());
    const dispose = shadow.dispose.bind(shadow);
    shadow.dispose = async () => {
      await dispose(); // close the shadow pool first, then drop its database
      const dropper = new pg.Client(this.fields);
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS "${database}"`);
      await dropper.end();
    };
    return shadow;
  }
}

export const PLACEHOLDER_DATABASE_URL = "postgresql://placeholder@localhost:1/placeholder";

export async function cliAdapterFactory() {
  const url = process.env.DATABASE_URL;
  if (!url || url === PLACEHOLDER_DATABASE_URL) {
    throw new Error(
      "DATABASE_URL is not set. Use `npm run db -- <prisma args>` to run Prisma against the embedded database.",
    );
  }
  patchCatalogTypes();
  return new CliPrismaPg(connectionFields(url));
}

// The whole app on one machine with nothing configured: embedded PostgreSQL, the Erysta and Shopify
// simulators, an SMTP capture, the Remix web server and worker processes, plus the seeded demo shop.
// Used by `npm run dev`, `npm run demo` and `npm run bench`; only configuration differs from production.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { spawn, type ChildProcess } from "node:child_process";
import { startErystaSimulator, type ErystaSimulator } from "../../simulators/erysta";
import { startShopifySimulator, type RunningShopifySimulator } from "../../simulators/shopify";
import { startMailSimulator, type MailSimulator } from "../../simulators/smtp";
import { ensureLocalDatabase, freePort, ROOT, run } from "./database";
import { DEMO_ERYSTA_KEY, seedDemoShop, type SeededShop } from "./demo-shop";

export const LOCAL_API_KEY = "local-app-api-key";
export const LOCAL_API_SECRET = "local-app-api-secret-not-for-production";
export const LOCAL_SCOPES =
  "read_orders,write_orders,read_products,read_merchant_managed_fulfillment_orders,write_merchant_managed_fulfillment_orders,read_customers";

export interface LocalStackOptions {
  /** Persistent `.data/postgres` (dev) or a throwaway cluster (demo, bench). */
  ephemeralDatabase: boolean;
  /** "vite": `remix vite:dev` (dev, demo); "built": `remix vite:build` + `remix-serve` (bench). */
  web: "vite" | "built";
  workers: number;
  /** Erysta simulator time scale: 60 makes a 20-minute source deliver in 20 s. */
  timeScale: number;
  appPort?: number;
  erystaRateLimitPerMinute?: number;
  logLevel?: string;
  /** Extra environment for the app processes (e.g. poll settings). */
  appEnv?: Record<string, string>;
  mailDir?: string;
  log?: (line: string) => void;
}

export interface LocalStack {
  env: Record<string, string>;
  appOrigin: string;
  erysta: ErystaSimulator;
  shopify: RunningShopifySimulator;
  mail: MailSimulator;
  seeded: SeededShop;
  processes: ChildProcess[];
  startWorkers(count: number, extraEnv?: Record<string, string>): Promise<ChildProcess[]>;
  stop(): Promise<void>;
}

/** A stable local encryption key for the persistent dev database (git-ignored). */
function localEncryptionKeys(ephemeral: boolean): string {
  if (ephemeral) return `local:${randomBytes(32).toString("base64")}`;
  const file = path.join(ROOT, ".data/local-encryption-key");
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `local:${randomBytes(32).toString("base64")}\n`, { mode: 0o600 });
  }
  return readFileSync(file, "utf8").trim();
}

let ephemeralStacks = 0;

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const log = options.log ?? (() => {});
  const stops: (() => Promise<void>)[] = [];
  const processes: ChildProcess[] = [];
  const stop = async () => {
    for (const child of processes.reverse()) await terminate(child);
    for (const s of stops.reverse()) await s().catch(() => {});
  };
  try {
    const database = await ensureLocalDatabase({
      // One folder per stack: the bench runs several stacks at once in one process.
      dataDir: options.ephemeralDatabase
        ? `.data/stack-postgres-${process.pid}-${++ephemeralStacks}`
        : ".data/postgres",
      ephemeral: options.ephemeralDatabase,
    });
    stops.push(database.stop);
    log(`database     ${database.databaseUrl.replace(/:[^:@/]+@/, ":***@")}`);

    const appPort = options.appPort ?? (await freePort());
    const appOrigin = `http://127.0.0.1:${appPort}`;
    const erysta = await startErystaSimulator({
      apiKey: DEMO_ERYSTA_KEY,
      timeScale: options.timeScale,
      rateLimit: options.erystaRateLimitPerMinute ? { limit: options.erystaRateLimitPerMinute } : undefined,
    });
    stops.push(erysta.close);
    const shopify = await startShopifySimulator({ apiSecret: LOCAL_API_SECRET, appUrl: appOrigin });
    stops.push(shopify.close);
    const mail = await startMailSimulator({ dir: options.mailDir ?? ".data/mail" });
    stops.push(mail.close);
    log(`erysta sim   ${erysta.url} (time scale ×${options.timeScale})`);
    log(`shopify sim  ${shopify.origin}`);
    log(`mail         ${mail.smtpUrl}${mail.webUrl ? `, read them at ${mail.webUrl}` : ""}`);

    const env: Record<string, string> = {
      NODE_ENV: options.web === "built" ? "production" : "development",
      LOG_LEVEL: options.logLevel ?? "info",
      PORT: String(appPort),
      SHOPIFY_APP_URL: appOrigin,
      SHOPIFY_API_KEY: LOCAL_API_KEY,
      SHOPIFY_API_SECRET: LOCAL_API_SECRET,
      SCOPES: LOCAL_SCOPES,
      SHOPIFY_ADMIN_API_ORIGIN: shopify.origin,
      DATABASE_URL: database.databaseUrl,
      ENCRYPTION_KEYS: localEncryptionKeys(options.ephemeralDatabase),
      ERYSTA_API_URL: erysta.url,
      SMTP_URL: mail.smtpUrl,
      EMAIL_FROM: "Erysta Fulfillment <keys@erysta-demo.example>",
      ...(options.erystaRateLimitPerMinute
        ? { ERYSTA_RATE_LIMIT_PER_MINUTE: String(options.erystaRateLimitPerMinute) }
        : {}),
      ...options.appEnv,
    };

    const seeded = await seedDemoShop({
      shopify: shopify.control,
      databaseUrl: database.databaseUrl,
      encryptionKeys: env.ENCRYPTION_KEYS!,
      scopes: LOCAL_SCOPES,
    });
    log(`demo shop    ${seeded.shop} (${Object.keys(seeded.variants).length} products, Erysta connected)`);

    if (options.web === "built") {
      if (!existsSync(path.join(ROOT, "build/server/index.js"))) {
        log("building     remix vite:build …");
        await run(path.join(ROOT, "node_modules/.bin/remix"), ["vite:build"]);
      }
      processes.push(spawnApp("node_modules/.bin/remix-serve", ["./build/server/index.js"], env, "web"));
    } else {
      processes.push(
        spawnApp(
          "node_modules/.bin/remix",
          ["vite:dev", "--port", String(appPort), "--host", "127.0.0.1", "--strictPort"],
          env,
          "web",
        ),
      );
    }
    await waitForHealthy(appOrigin, processes[0]!);
    log(`app          ${appOrigin} (healthy)`);

    const startWorkers = async (count: number, extraEnv: Record<string, string> = {}) => {
      const started = Array.from({ length: count }, (_, i) =>
        spawnApp(
          "node_modules/.bin/node",
          ["--import", "tsx", "app/jobs/worker.ts"],
          { ...env, ...extraEnv },
          `worker-${i + 1}`,
        ),
      );
      processes.push(...started);
      return started;
    };
    if (options.workers > 0) {
      await startWorkers(options.workers);
      log(`workers      ${options.workers}`);
    }
    return { env, appOrigin, erysta, shopify, mail, seeded, processes, startWorkers, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

function spawnApp(bin: string, args: string[], env: Record<string, string>, name: string): ChildProcess {
  const child = spawn(path.join(ROOT, bin), args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const prefix = `[${name}] `;
  const forward = (chunk: Buffer) => {
    if (process.env.STACK_VERBOSE) process.stderr.write(chunk.toString().replace(/^(?=.)/gm, prefix));
  };
  child.stdout!.on("data", forward);
  child.stderr!.on("data", (chunk: Buffer) => {
    (child as ChildProcess & { lastStderr?: string }).lastStderr = chunk.toString().slice(-2000);
    forward(chunk);
  });
  return child;
}

async function waitForHealthy(origin: string, child: ChildProcess, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(
        `the web process exited (${child.exitCode}): ${(child as ChildProcess & { lastStderr?: string }).lastStderr ?? ""}`,
      );
    }
    try {
      const res = await fetch(`${origin}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the app did not become healthy at ${origin} within ${timeoutMs} ms`);
}

export function terminate(child: ChildProcess, timeoutMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

// All configuration, validated once at boot by the web server and the worker. A missing or invalid
// variable stops start-up with a message naming it. `.env.example` documents every variable.
import { z } from "zod";

const int = (fallback: number) => z.coerce.number().int().positive().default(fallback);

export const envSchema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  PORT: int(3000),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),

  SHOPIFY_APP_URL: z.url({ message: "must be the app's public https URL" }),
  SHOPIFY_API_KEY: z.string().min(1),
  SHOPIFY_API_SECRET: z.string().min(1),
  SCOPES: z.string().min(1),
  // Only for local simulation and tests: every Admin API call goes to this origin instead of https://{shop}.
  SHOPIFY_ADMIN_API_ORIGIN: z.url().optional(),

  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, { message: "must be a postgresql:// connection string" }),
  // Comma-separated "<keyId>:<base64 32-byte key>"; the first one encrypts, all of them decrypt.
  ENCRYPTION_KEYS: z.string().min(1),

  ERYSTA_API_URL: z.url().default("https://api.erysta.com/v1/partners"),
  ERYSTA_RATE_LIMIT_PER_MINUTE: int(100),
  ERYSTA_CONNECT_TIMEOUT_MS: int(5_000),
  ERYSTA_TIMEOUT_MS: int(20_000),

  SMTP_URL: z.string().regex(/^smtps?:\/\//, { message: "must be an smtp:// or smtps:// URL" }),
  EMAIL_FROM: z.string().min(3).default("Erysta Fulfillment <no-reply@example.com>"),

  POLL_FIRST_DELAY_MS: int(1_000),
  POLL_MAX_INTERVAL_MS: int(30_000),
  POLL_BACKOFF_FACTOR: z.coerce.number().min(1).default(1.6),
  POLL_SLOW_AFTER_MS: int(240_000),
  POLL_SLOW_INTERVAL_MS: int(45_000),
  DELIVERY_MAX_WAIT_MINUTES: int(24 * 60),

  WORKER_CONCURRENCY: int(8),
  /** Niceness of worker processes (0–19): they yield the CPU to the web server on a shared machine. */
  WORKER_NICE: z.coerce.number().int().min(0).max(19).default(10),
});

export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "EnvError";
  }
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join(".");
    const missing = issue.code === "invalid_type" && source[name] === undefined;
    return missing ? `${name} is required but not set` : `${name} ${issue.message}`;
  });
  throw new EnvError(problems);
}

let cached: Env | undefined;
export function getEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

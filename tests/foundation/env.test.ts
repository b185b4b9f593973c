import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "~/env.server";
import { testEnvironment } from "../support/test-env";

const valid = testEnvironment({ DATABASE_URL: "postgresql://u:p@localhost:5432/db" });

describe("configuration", () => {
  it("accepts a complete environment and applies defaults", () => {
    const env = parseEnv(valid);
    expect(env.ERYSTA_API_URL).toBe("https://api.erysta.com/v1/partners");
    expect(env.ERYSTA_RATE_LIMIT_PER_MINUTE).toBe(100);
    expect(env.POLL_MAX_INTERVAL_MS).toBe(30_000);
  });

  it("names a missing variable", () => {
    const { SHOPIFY_API_SECRET: _omitted, ...rest } = valid;
    expect(() => parseEnv(rest)).toThrow(EnvError);
    expect(() => parseEnv(rest)).toThrow(/SHOPIFY_API_SECRET is required but not set/);
  });

  it("names an invalid variable and says what is expected", () => {
    expect(() => parseEnv({ ...valid, DATABASE_URL: "mysql://x" })).toThrow(
      /DATABASE_URL must be a postgresql:\/\/ connection string/,
    );
    expect(() => parseEnv({ ...valid, SMTP_URL: "http://mail" })).toThrow(
      /SMTP_URL must be an smtp:\/\/ or smtps:\/\/ URL/,
    );
    expect(() => parseEnv({ ...valid, ERYSTA_RATE_LIMIT_PER_MINUTE: "-3" })).toThrow(
      /ERYSTA_RATE_LIMIT_PER_MINUTE/,
    );
  });

  it("lists every problem at once", () => {
    try {
      parseEnv({});
      expect.unreachable();
    } catch (err) {
      const problems = (err as EnvError).problems.join("\n");
      for (const name of [
        "SHOPIFY_API_KEY",
        "SHOPIFY_API_SECRET",
        "DATABASE_URL",
        "ENCRYPTION_KEYS",
        "SMTP_URL",
        "SHOPIFY_APP_URL",
      ]) {
        expect(problems).toContain(name);
      }
    }
  });
});

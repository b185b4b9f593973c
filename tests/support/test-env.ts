// The environment of the app under test: everything local, nothing real.
export const TEST_API_KEY = "test-api-key";
export const TEST_API_SECRET = "test-api-secret-0123456789abcdef";
export const TEST_ENCRYPTION_KEYS = `test1:${Buffer.alloc(32, 7).toString("base64")}`;

export function testEnvironment(overrides: Record<string, string>): Record<string, string> {
  return {
    NODE_ENV: "test",
    LOG_LEVEL: process.env.LOG_LEVEL ?? "silent",
    SHOPIFY_APP_URL: "http://127.0.0.1:3999",
    SHOPIFY_API_KEY: TEST_API_KEY,
    SHOPIFY_API_SECRET: TEST_API_SECRET,
    SCOPES: "read_orders,write_orders",
    ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS,
    SMTP_URL: "smtp://127.0.0.1:2525",
    ...overrides,
  };
}

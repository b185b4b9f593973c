// One pino logger. Child loggers carry shop, order and job. Keys, API keys, tokens and emails are
// redacted wherever they appear under these names, so a careless log line cannot leak them.
import pino from "pino";

export const REDACTED_PATHS = [
  "apiKey",
  "*.apiKey",
  "erystaApiKey",
  "*.erystaApiKey",
  "accessToken",
  "*.accessToken",
  "token",
  "*.token",
  "key",
  "*.key",
  "keys",
  "*.keys",
  "value",
  "*.value",
  "email",
  "*.email",
  "customerEmail",
  "*.customerEmail",
  "recipient",
  "*.recipient",
  "headers['x-api-key']",
  "*.headers['x-api-key']",
  "headers['x-shopify-access-token']",
  "*.headers['x-shopify-access-token']",
  "password",
  "*.password",
];

export function createLogger(
  options: { level?: string; pretty?: boolean; destination?: pino.DestinationStream } = {},
) {
  const level = options.level ?? process.env.LOG_LEVEL ?? "info";
  const pretty = options.pretty ?? (process.env.NODE_ENV !== "production" && process.stdout.isTTY);
  const base: pino.LoggerOptions = {
    level,
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    base: { service: "erysta-fulfillment" },
  };
  if (options.destination) return pino(base, options.destination);
  if (pretty) {
    return pino({
      ...base,
      transport: { target: "pino-pretty", options: { colorize: true, translateTime: "HH:MM:ss.l" } },
    });
  }
  return pino(base);
}

export const logger = createLogger();
export type Logger = pino.Logger;

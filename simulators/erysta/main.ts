// `npm run sim:erysta -- --port 4010 --api-key demo-key [--time-scale 60] [--control-token secret]
//                       [--rate-limit 100] [--balance 1000] [--credit-limit 0] [--blocked-ip-key other-key]`
// Runs the Erysta simulator until Ctrl-C. --api-key and --blocked-ip-key may be repeated.
import { parseArgs } from "node:util";
import { DEMO_PRODUCTS } from "./catalog";
import { startErystaSimulator } from "./server";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "4010" },
    host: { type: "string", default: "127.0.0.1" },
    "api-key": { type: "string", multiple: true },
    "blocked-ip-key": { type: "string", multiple: true },
    "time-scale": { type: "string", default: "1" },
    "control-token": { type: "string" },
    "rate-limit": { type: "string", default: "100" },
    balance: { type: "string", default: "1000" },
    "credit-limit": { type: "string", default: "0" },
    quiet: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});

if (values.help) {
  console.log(
    "Usage: npm run sim:erysta -- --port 4010 --api-key <key> [--api-key <key2>] [--time-scale 60] [--control-token <token>]\n" +
      "       [--rate-limit 100] [--balance 1000] [--credit-limit 0] [--blocked-ip-key <key>] [--host 127.0.0.1] [--quiet]",
  );
  process.exit(0);
}

const number = (name: string, value: string | undefined): number => {
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) {
    console.error(`--${name} must be a number, got ${value}`);
    process.exit(2);
  }
  return parsed;
};

const apiKeys = values["api-key"] ?? [];
if (apiKeys.length === 0) {
  console.error("Give at least one --api-key <key> (the key the app will send as x-api-key).");
  process.exit(2);
}
const balance = number("balance", values.balance);
const creditLimit = number("credit-limit", values["credit-limit"]);

const simulator = await startErystaSimulator({
  port: number("port", values.port),
  host: values.host,
  accounts: [
    ...apiKeys.map((apiKey) => ({ apiKey, balance, creditLimit })),
    ...(values["blocked-ip-key"] ?? []).map((apiKey) => ({
      apiKey,
      balance,
      creditLimit,
      ipAllowListed: false,
    })),
  ],
  timeScale: number("time-scale", values["time-scale"]),
  rateLimit: { limit: number("rate-limit", values["rate-limit"]) },
  controlToken: values["control-token"],
  log: values.quiet ? undefined : (line) => console.log(`[erysta-sim] ${line}`),
});

console.log(`Erysta simulator: ERYSTA_API_URL=${simulator.url}`);
console.log(`Control API: ${simulator.origin}/_control (see simulators/erysta/README.md)`);
console.log(
  `Demo products: ${Object.entries(DEMO_PRODUCTS)
    .map(([name, id]) => `${name}=${id}`)
    .join(" ")}`,
);

const stop = async () => {
  await simulator.close();
  process.exit(0);
};
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());

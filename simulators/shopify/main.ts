// npm run sim:shopify -- --port 4100 --app-url http://127.0.0.1:3000 --api-secret <secret>
//   [--host 127.0.0.1] [--restore-rate 100] [--maximum-available 2000]
//   [--shop demo.myshopify.com --token shpat_demo]   (creates that shop at start)
// Without flags, SHOPIFY_APP_URL and SHOPIFY_API_SECRET from the environment are used.
import { startShopifySimulator } from "./server";

function parseArgs(argv: string[]): Record<string, string> {
  const args: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("--")) throw new Error(`Unexpected argument ${arg}`);
    const [name, inline] = arg.slice(2).split("=", 2) as [string, string | undefined];
    const value = inline ?? argv[++i];
    if (value === undefined || value.startsWith("--")) throw new Error(`--${name} needs a value`);
    args[name] = value;
  }
  return args;
}

function number(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a number`);
  return n;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const apiSecret = args["api-secret"] ?? process.env.SHOPIFY_API_SECRET;
  if (!apiSecret) throw new Error("--api-secret (or SHOPIFY_API_SECRET) is required to sign webhooks");
  const sim = await startShopifySimulator({
    port: number(args.port, "port") ?? 4100,
    host: args.host,
    apiSecret,
    appUrl: args["app-url"] ?? process.env.SHOPIFY_APP_URL,
    restoreRate: number(args["restore-rate"], "restore-rate"),
    maximumAvailable: number(args["maximum-available"], "maximum-available"),
  });
  if (args.shop) {
    if (!args.token) throw new Error("--shop needs --token");
    await sim.control.createShop({ domain: args.shop, accessToken: args.token });
  }
  console.log(
    `Shopify Admin simulator on ${sim.origin} (API ${sim.simulator.apiVersion}, schema loaded in ${sim.schemaLoadMs} ms)` +
      `\n  GraphQL: ${sim.origin}/admin/api/${sim.simulator.apiVersion}/graphql.json   control: ${sim.origin}/_control/*`,
  );
  const stop = async () => {
    await sim.close();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

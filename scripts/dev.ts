// `npm run dev`: the app for development, with nothing configured. Embedded PostgreSQL in .data/postgres
// (kept between runs), the Erysta and Shopify simulators, an SMTP capture with a web page, the Remix dev
// server (HMR) and one worker beside it. The demo shop is seeded; place orders from the Shopify simulator.
import { DEMO_SHOP } from "./lib/demo-shop";
import { startLocalStack } from "./lib/local-stack";

const port = Number(process.env.PORT ?? 3000);
const stack = await startLocalStack({
  ephemeralDatabase: false,
  web: "vite",
  workers: 1,
  timeScale: Number(process.env.ERYSTA_TIME_SCALE ?? 60),
  appPort: port,
  logLevel: process.env.LOG_LEVEL ?? "info",
  log: (line) => console.log(`  ${line}`),
});
const variant = stack.seeded.variants.instantKey;
console.log(`
Erysta Fulfillment is running at ${stack.appOrigin}
  Place a paid order (the Shopify simulator signs and sends orders/paid to the app):
    curl -s -X POST ${stack.shopify.origin}/_control/orders -H 'content-type: application/json' \\
      -d '{"shop":"${DEMO_SHOP}","lines":[{"variantId":${variant},"quantity":1}],"customer":{"email":"you@example.com"},"sendPaidWebhook":true}'
  Read the emails at ${stack.mail.webUrl ?? stack.mail.dir}
  Erysta simulator control: ${stack.erysta.origin}/_control/state
Set STACK_VERBOSE=1 to see the web and worker logs. Ctrl-C stops everything.`);

const shutdown = async () => {
  console.log("\nstopping …");
  await stack.stop();
  process.exit(0);
};
process.once("SIGINT", shutdown);
process.once("SIGTERM", shutdown);

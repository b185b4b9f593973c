// `npm run demo`: on a fresh clone, with nothing configured, brings up the whole stack (embedded
// PostgreSQL, Erysta + Shopify simulators, SMTP capture, web app, worker), places several orders
// through signed orders/paid webhooks and prints each order's journey. Exits 0 when every order
// reached its expected state. `--serve` keeps everything running to explore.
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient, type DeliveryStatus } from "@prisma/client";
import { SETTLED_STATUSES } from "../app/fulfillment/status";
import { startLocalStack } from "./lib/local-stack";
import type { DemoHandle } from "./lib/demo-shop";

const args = process.argv.slice(2);
const serve = args.includes("--serve");
const timeScale = Number(args[args.indexOf("--time-scale") + 1]) || 60;

interface Scenario {
  title: string;
  lines: { handle: DemoHandle; quantity: number }[];
  expected: DeliveryStatus;
  email?: string;
  locale?: string;
  /** Also re-deliver the same webhook this many times, concurrently, like Shopify's retries. */
  duplicates?: number;
}

const SCENARIOS: Scenario[] = [
  {
    title: "Instant text key + a T-shirt (mixed order)",
    lines: [
      { handle: "instantKey", quantity: 1 },
      { handle: "tshirt", quantity: 1 },
    ],
    expected: "DELIVERED",
    duplicates: 2,
  },
  {
    title: "QR gift card (image key)",
    lines: [{ handle: "qrGiftCard", quantity: 1 }],
    expected: "DELIVERED",
    locale: "de",
  },
  {
    title: "Slow source (minutes at Erysta)",
    lines: [{ handle: "slowKey", quantity: 1 }],
    expected: "DELIVERED",
  },
  {
    title: "Sold out at Erysta",
    lines: [{ handle: "soldOutKey", quantity: 1 }],
    expected: "FAILED_TO_PLACE",
  },
  {
    title: "Partly available bundle",
    lines: [{ handle: "partialBundle", quantity: 2 }],
    expected: "PARTIALLY_DELIVERED",
  },
];

const say = (line = "") => console.log(line);

async function main() {
  say("Erysta Fulfillment demo: starting the local stack …");
  const stack = await startLocalStack({
    ephemeralDatabase: true,
    web: "vite",
    workers: 1,
    timeScale,
    logLevel: process.env.DEMO_LOG_LEVEL ?? "warn",
    mailDir: ".data/demo-mail",
    log: (l) => say(`  ${l}`),
  });
  const db = new PrismaClient({
    adapter: new PrismaPg({ connectionString: stack.env.DATABASE_URL!, max: 2 }),
  });
  let ok = false;
  try {
    const placed: { scenario: Scenario; orderId: string; name: string }[] = [];
    say("\nPlacing orders through signed orders/paid webhooks:");
    for (const [i, scenario] of SCENARIOS.entries()) {
      const { order, webhook } = await stack.shopify.control.createOrder({
        shop: stack.seeded.shop,
        lines: scenario.lines.map((l) => ({
          variantId: stack.seeded.variants[l.handle],
          quantity: l.quantity,
        })),
        customer: {
          firstName: ["Ada", "Jonas", "Mia", "Leo", "Zoe"][i],
          lastName: "Demo",
          email: scenario.email ?? `customer${i + 1}@example.com`,
        },
        customerLocale: scenario.locale ?? "en",
        sendPaidWebhook: true,
      });
      const ack = webhook?.deliveries[0];
      say(`  ${order.name}  ${scenario.title}: webhook → ${ack?.status} in ${ack?.durationMs} ms`);
      if (scenario.duplicates && webhook) {
        const again = await stack.shopify.control.redeliverWebhook({
          webhookId: webhook.webhookId,
          times: scenario.duplicates,
          concurrent: true,
        });
        say(
          `         re-delivered the same webhook ${scenario.duplicates}× concurrently → ${again.deliveries.map((d) => d.status).join(", ")}`,
        );
      }
      placed.push({ scenario, orderId: String(order.legacyId), name: order.name });
    }

    say("\nWaiting for every order to reach a final state …");
    const deadline = Date.now() + 180_000;
    for (;;) {
      const rows = await db.delivery.findMany({
        where: { shop: stack.seeded.shop },
        select: { status: true, shopifyOrderId: true },
      });
      const done = placed.every((p) => {
        const row = rows.find((r) => r.shopifyOrderId === p.orderId);
        return row && SETTLED_STATUSES.includes(row.status);
      });
      if (done || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    // Let the Shopify sync and email jobs of the last deliveries finish.
    await new Promise((r) => setTimeout(r, 3_000));

    let failures = 0;
    for (const p of placed) {
      const delivery = await db.delivery.findFirst({
        where: { shop: stack.seeded.shop, shopifyOrderId: p.orderId },
        include: { events: { orderBy: { createdAt: "asc" } }, lines: true, emails: true },
      });
      const erystaOrders = await stack.erysta.control.orders({ referenceId: p.orderId });
      const shopifyOrder = await stack.shopify.control.getOrder(stack.seeded.shop, p.orderId);
      const status = delivery?.status ?? "MISSING";
      const pass = status === p.scenario.expected && erystaOrders.length <= 1;
      if (!pass) failures++;
      say(`\n${pass ? "✔" : "✘"} ${p.name} — ${p.scenario.title}`);
      say(
        `   expected ${p.scenario.expected}, got ${status}; Erysta orders for reference ${p.orderId}: ${erystaOrders.length}`,
      );
      for (const e of delivery?.events ?? [])
        say(`   ${e.createdAt.toISOString().slice(11, 23)}  ${e.type.padEnd(18)} ${e.message}`);
      const fulfilled = shopifyOrder.fulfillments
        .flatMap((f) => f.lineItems)
        .reduce((n, l) => n + l.quantity, 0);
      say(
        `   Shopify: tags [${shopifyOrder.tags.join(", ")}], metafield ${shopifyOrder.metafields.length ? "written" : "—"}, ${fulfilled} unit(s) fulfilled, fulfillment status ${shopifyOrder.displayFulfillmentStatus}`,
      );
      say(`   Emails: ${delivery?.emails.map((m) => `${m.kind} ${m.status}`).join(", ") || "none"}`);
    }
    say(
      `\nCaptured emails (.eml): ${stack.mail.dir}${stack.mail.webUrl ? `  — browse them at ${stack.mail.webUrl}` : ""}`,
    );
    ok = failures === 0;
    say(
      ok
        ? "\nAll orders reached their expected state."
        : `\n${failures} order(s) did not reach their expected state.`,
    );

    if (serve) {
      say(
        `\nServing until Ctrl-C. App ${stack.appOrigin}, Erysta simulator ${stack.erysta.url}, Shopify simulator ${stack.shopify.origin}`,
      );
      await new Promise<void>((resolve) => process.once("SIGINT", () => resolve()));
    }
  } finally {
    await db.$disconnect();
    await stack.stop();
  }
  process.exit(ok ? 0 : 1);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

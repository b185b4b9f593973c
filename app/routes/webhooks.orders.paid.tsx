// orders/paid: verify, store the payload and queue its intake in one short transaction, answer. The
// delivery itself is made by the worker (app/fulfillment/intake.server.ts): Shopify wants an answer
// within 5 seconds, and a flash sale sends dozens of these per second.
import type { ActionFunctionArgs } from "@remix-run/node";
import { pgPool } from "~/db.server";
import { getEnv } from "~/env.server";
import { acceptPaidOrder } from "~/fulfillment/intake.server";
import { webBoss } from "~/jobs/boss.server";
import { logger } from "~/logger.server";
import { parseJsonBody, verifyShopifyWebhook } from "~/webhooks/verify.server";

export const action = async ({ request }: ActionFunctionArgs) => {
  const webhook = await verifyShopifyWebhook(request);
  const { shop, topic, webhookId } = webhook;
  const boss = await webBoss(getEnv().DATABASE_URL);
  const outcome = await acceptPaidOrder(
    { pool: pgPool, boss },
    { shop, webhookId, topic, rawBody: webhook.rawBody, payload: parseJsonBody(webhook) },
  );
  if (outcome.kind === "unreadable") {
    logger.error({ shop, webhookId, reason: outcome.reason }, "orders/paid payload unreadable");
    return new Response(`Unreadable orders/paid payload: ${outcome.reason}`, { status: 400 });
  }
  return new Response(null, { status: 200 });
};

// orders/paid: verify, record the delivery and its placement job in one transaction, answer. No Erysta
// call here: Shopify wants an answer within seconds and retries on failure.
import type { ActionFunctionArgs } from "@remix-run/node";
import { prisma } from "~/db.server";
import { getEnv } from "~/env.server";
import { intakePaidOrder } from "~/fulfillment/intake.server";
import { webBoss } from "~/jobs/boss.server";
import { logger } from "~/logger.server";
import { authenticate } from "~/shopify.server";

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, topic, webhookId, payload } = await authenticate.webhook(request);
  const boss = await webBoss(getEnv().DATABASE_URL);
  const outcome = await intakePaidOrder({ db: prisma, boss }, { shop, webhookId, topic, payload });
  if (outcome.kind === "unreadable" && !outcome.deliveryId) {
    logger.error(
      { shop, webhookId, reason: outcome.reason },
      "orders/paid payload unreadable and without an order id",
    );
    return new Response(`Unreadable orders/paid payload: ${outcome.reason}`, { status: 400 });
  }
  return new Response(null, { status: 200 });
};

import type { ActionFunctionArgs } from "@remix-run/node";
import { prisma } from "~/db.server";
import { recordCustomerDataRequest } from "~/privacy/compliance.server";
import { customersDataRequestPayload } from "~/webhooks/payloads";
import { verifiedWebhook } from "~/webhooks/respond.server";

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, body } = await verifiedWebhook(request, customersDataRequestPayload);
  await recordCustomerDataRequest(prisma, {
    shop,
    customer: body.customer,
    ordersRequested: body.orders_requested,
  });
  return new Response(null, { status: 200 });
};

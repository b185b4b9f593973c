// Shopify's mandatory compliance topics and the uninstall clean-up, as use cases over the database.
// Each is scoped by the shop in the (HMAC-verified) webhook; nothing here can touch another shop.
import { Prisma } from "@prisma/client";
import type { Db } from "~/db.server";

export interface CustomerRef {
  id?: string | null;
  email?: string | null;
}

/** Deliveries of one customer in one shop: by the orders Shopify names, or by customer id/email. */
function customerDeliveriesWhere(shop: string, customer: CustomerRef, orderIds: string[]) {
  const or: object[] = [];
  if (orderIds.length) or.push({ shopifyOrderId: { in: orderIds } });
  if (customer.id) or.push({ customerId: customer.id });
  if (customer.email) or.push({ customerEmail: { equals: customer.email, mode: "insensitive" as const } });
  return { shop, OR: or.length ? or : [{ id: "__none__" }] };
}

/** customers/data_request: records what we hold for that customer so the merchant can export it. */
export async function recordCustomerDataRequest(
  db: Db,
  input: { shop: string; customer: CustomerRef; ordersRequested: string[] },
) {
  const deliveries = await db.delivery.findMany({
    where: customerDeliveriesWhere(input.shop, input.customer, input.ordersRequested),
    select: {
      shopifyOrderId: true,
      orderName: true,
      status: true,
      customerEmail: true,
      customerFirstName: true,
      customerLastName: true,
      createdAt: true,
      lines: { select: { title: true, quantity: true, deliveredQuantity: true } },
      _count: { select: { keys: true, emails: true } },
    },
  });
  const summary = {
    deliveries: deliveries.map(({ _count, ...d }) => ({
      ...d,
      keysHeld: _count.keys,
      emailsSent: _count.emails,
    })),
    note: "Delivered keys are held encrypted; the merchant can reveal them per order in the app.",
  };
  return db.customerDataRequest.create({
    data: {
      shop: input.shop,
      customerId: input.customer.id ?? null,
      customerEmail: input.customer.email ?? null,
      ordersRequested: input.ordersRequested,
      summary,
    },
  });
}

/** customers/redact: deletes that customer's keys and emails, and blanks their personal data. */
export async function redactCustomer(
  db: Db,
  input: { shop: string; customer: CustomerRef; ordersToRedact: string[] },
) {
  return db.$transaction(async (tx) => {
    const deliveries = await tx.delivery.findMany({
      where: customerDeliveriesWhere(input.shop, input.customer, input.ordersToRedact),
      select: { id: true },
    });
    const ids = deliveries.map((d) => d.id);
    const keys = await tx.deliveredKey.deleteMany({ where: { shop: input.shop, deliveryId: { in: ids } } });
    const emails = await tx.emailMessage.deleteMany({
      where: {
        shop: input.shop,
        OR: [
          { deliveryId: { in: ids } },
          ...(input.customer.email
            ? [{ recipient: { equals: input.customer.email, mode: "insensitive" as const } }]
            : []),
        ],
      },
    });
    await tx.delivery.updateMany({
      where: { shop: input.shop, id: { in: ids } },
      data: {
        customerEmail: null,
        customerFirstName: null,
        customerLastName: null,
        customerLocale: null,
        customerId: null,
        orderStatusUrl: null,
        checkoutTokenHash: null,
      },
    });
    // Event payloads may name addresses (e.g. "resent to"): drop them, keep the audit trail's shape.
    await tx.deliveryEvent.updateMany({
      where: { shop: input.shop, deliveryId: { in: ids } },
      data: { data: Prisma.DbNull },
    });
    await tx.deliveryEvent.createMany({
      data: ids.map((deliveryId) => ({
        deliveryId,
        shop: input.shop,
        type: "customer_redacted",
        message: "Customer data redacted on Shopify's request (keys and emails deleted).",
      })),
    });
    await tx.customerDataRequest.deleteMany({
      where: {
        shop: input.shop,
        OR: [
          ...(input.customer.id ? [{ customerId: input.customer.id }] : []),
          ...(input.customer.email ? [{ customerEmail: input.customer.email }] : []),
        ],
      },
    });
    return { deliveries: ids.length, keys: keys.count, emails: emails.count };
  });
}

/** shop/redact (48 h after uninstall): purges everything of that shop, and nothing of any other. */
export async function redactShop(db: Db, shop: string) {
  return db.$transaction(async (tx) => {
    // Rows without a foreign key to Shop first; the Shop row cascades to mappings and deliveries
    // (and from deliveries to lines, keys, events and emails).
    const counts = {
      emails: (await tx.emailMessage.deleteMany({ where: { shop } })).count,
      receipts: (await tx.webhookReceipt.deleteMany({ where: { shop } })).count,
      dataRequests: (await tx.customerDataRequest.deleteMany({ where: { shop } })).count,
      sessions: (await tx.session.deleteMany({ where: { shop } })).count,
      deliveries: (await tx.delivery.deleteMany({ where: { shop } })).count,
      mappings: (await tx.productMapping.deleteMany({ where: { shop } })).count,
      shops: (await tx.shop.deleteMany({ where: { shop } })).count,
    };
    return counts;
  });
}

/** app/uninstalled: the access token is dead; forget sessions, mark the shop, stop its queued jobs. */
export async function handleUninstalled(
  db: Db,
  input: { shop: string; cancelJobs: (shop: string) => Promise<number> },
) {
  await db.session.deleteMany({ where: { shop: input.shop } });
  await db.shop.updateMany({ where: { shop: input.shop }, data: { uninstalledAt: new Date() } });
  const cancelledJobs = await input.cancelJobs(input.shop);
  return { cancelledJobs };
}

// English strings: the reference dictionary. Every other language implements `EmailDictionary`.
// Strings are plain text; the renderer escapes them for HTML. To add a language: copy this file,
// translate it, and register it in ./index.ts.
import type { AlertKind, AlertReasonCode } from "../types";

export interface AlertCopy {
  subject: (orderName: string) => string;
  whatHappened: (c: { orderName: string; reason: string }) => string;
  whatToDo: string[];
}

export const en = {
  common: {
    greeting: (firstName?: string) => (firstName ? `Hi ${firstName},` : "Hello,"),
    questions: (replyTo?: string) =>
      replyTo
        ? `Questions? Just reply to this email or write to ${replyTo}.`
        : "Questions? Just reply to this email.",
    signature: (shopName: string) => `Thanks,\n${shopName}`,
  },
  keys: {
    subject: (orderName: string) => `Your keys for order ${orderName}`,
    subjectPartial: (orderName: string) => `Your first keys for order ${orderName}`,
    preheader: (orderName: string) => `Your keys for order ${orderName} are inside.`,
    intro: (c: { shopName: string; orderName: string }) =>
      `Thank you for your order ${c.orderName} at ${c.shopName}. Here are your keys:`,
    introPartial: (c: { shopName: string; orderName: string }) =>
      `Thank you for your order ${c.orderName} at ${c.shopName}. Here are the keys we could deliver so far:`,
    quantity: (n: number) => `Quantity: ${n}`,
    keyLabel: (n: number) => `Key ${n}`,
    imageKeyAlt: (n: number, title: string) => `Key ${n} for ${title}`,
    imageKeyText: (filename: string) => `(image, attached as ${filename})`,
    imageKeyHint: "If the image does not show, open the attachment with the same number.",
    missingForProduct: (missing: number, ordered: number) => `${missing} of ${ordered} still to come`,
    partialHeading: "Still to come",
    partialBody: (shopName: string) =>
      `We could not deliver everything yet. The items below are still missing, and ${shopName} will follow up with you about them. You do not need to do anything.`,
    missingItem: (title: string, missing: number) => `${title}: ${missing} missing`,
    safety: "Keep your keys private: anyone who has a key can redeem it.",
    viewOrder: "View your order",
  },
  onTheWay: {
    subject: (orderName: string) => `Your keys for order ${orderName} are on the way`,
    preheader: "Your keys are taking a little longer than usual.",
    body: (c: { shopName: string; orderName: string }) =>
      `Thank you for your order ${c.orderName} at ${c.shopName}. Your keys are taking a little longer than usual. We will email them to you as soon as they are ready; there is nothing you need to do.`,
    checkStatus: "Check your order status",
  },
  alert: {
    whatHappened: "What happened",
    whatToDo: "What to do",
    details: "Details",
    order: "Order",
    reason: "Reason",
    erystaOrderId: "Erysta order ID",
    referenceId: "Reference ID",
    traceId: "Trace ID",
    openInAdmin: "Open the order in Shopify admin",
    footer: (shopName: string) =>
      `You receive this because this address is set for alerts in Erysta Fulfillment for ${shopName}.`,
    kinds: {
      failed_to_place: {
        subject: (o) => `Action needed: order ${o} could not be placed with Erysta`,
        whatHappened: (c) =>
          `Erysta did not accept the order for ${c.orderName}, so no keys have been delivered to the customer yet. Erysta said: ${c.reason}`,
        whatToDo: [
          "Open the order in Erysta Fulfillment, fix the cause shown above and choose Retry.",
          "If it keeps failing, contact Erysta support with the details below.",
        ],
      },
      needs_review: {
        subject: (o) => `Please check: order ${o} may or may not have been placed with Erysta`,
        whatHappened: (c) =>
          `Placing the order for ${c.orderName} with Erysta did not get a clear answer (${c.reason}). Erysta may have placed it. To avoid buying the keys twice, we did not try again automatically.`,
        whatToDo: [
          "In your Erysta dashboard, look for an order with the reference ID below.",
          "If it exists, link it to this order in Erysta Fulfillment so the keys are delivered.",
          "If it does not, choose Retry in Erysta Fulfillment.",
        ],
      },
      late: {
        subject: (o) => `Order ${o}: keys are taking longer than usual`,
        whatHappened: (c) =>
          `Erysta has not delivered the keys for ${c.orderName} within the usual time (${c.reason}). We keep checking automatically and deliver them to the customer as soon as they arrive.`,
        whatToDo: [
          "Nothing to do yet.",
          "If the keys have not arrived within a few hours, contact Erysta support with the trace ID below.",
        ],
      },
      partial: {
        subject: (o) => `Order ${o} was only partly delivered`,
        whatHappened: (c) =>
          `Erysta delivered only some of the keys for ${c.orderName} (${c.reason}). The customer received the keys that were available and was told that the shop will follow up about the rest.`,
        whatToDo: [
          "Contact Erysta support about the missing keys, with the trace ID below.",
          "Or refund the missing items in Shopify and let the customer know.",
        ],
      },
      failed: {
        subject: (o) => `Action needed: Erysta could not fulfil order ${o}`,
        whatHappened: (c) =>
          `Erysta reported the order for ${c.orderName} as failed (${c.reason}). The customer has not received keys from it.`,
        whatToDo: [
          "Retry the order from Erysta Fulfillment, or refund the customer in Shopify.",
          "To find out why, contact Erysta support with the trace ID below.",
        ],
      },
      refunded: {
        subject: (o) => `Order ${o}: Erysta refunded the order`,
        whatHappened: (c) =>
          `Erysta refunded the order for ${c.orderName} (${c.reason}). Keys that were not delivered by then will not arrive.`,
        whatToDo: [
          "Refund the undelivered items to the customer in Shopify, or place the order again from Erysta Fulfillment.",
        ],
      },
      unknown_status: {
        subject: (o) => `Please check: order ${o} has an unexpected status at Erysta`,
        whatHappened: (c) =>
          `Erysta reported a status we do not recognise for ${c.orderName} (${c.reason}). We stopped processing it automatically so that nothing goes wrong.`,
        whatToDo: [
          "Check the order in your Erysta dashboard.",
          "Contact Erysta support with the trace ID below, then retry from Erysta Fulfillment.",
        ],
      },
      on_hold: {
        subject: (o) => `Order ${o} is waiting for your approval`,
        whatHappened: (c) =>
          `We held the order for ${c.orderName} before buying its keys (${c.reason}), for example because Shopify flagged it as high risk.`,
        whatToDo: [
          "Review the order in Shopify.",
          "If it is legitimate, approve it in Erysta Fulfillment to deliver the keys; otherwise cancel and refund it in Shopify.",
        ],
      },
    } satisfies Record<AlertKind, AlertCopy> as Record<AlertKind, AlertCopy>,
    /** Replaces the kind's generic steps when the reason is recognised. */
    adviceByReason: {
      insufficient_funds: [
        "Top up your Erysta balance.",
        "Then open the order in Erysta Fulfillment and choose Retry.",
      ],
      out_of_stock: [
        "Check the product's availability in Erysta, or map the variant to another Erysta product.",
        "Then choose Retry in Erysta Fulfillment, or refund the customer if it stays unavailable.",
      ],
      invalid_api_key: [
        "Open Settings in Erysta Fulfillment and reconnect your Erysta API key.",
        "Then retry the order from Erysta Fulfillment.",
      ],
      product_unavailable: [
        "Check the product mapping for this item in Erysta Fulfillment.",
        "Then retry the order from Erysta Fulfillment.",
      ],
    } as Record<AlertReasonCode, string[]>,
  },
};

export type EmailDictionary = typeof en;

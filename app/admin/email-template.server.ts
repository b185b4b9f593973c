// The keys email template editor: the shop's Liquid subject and body (or the starting point when it has
// none), a live preview on a sample order, validation with line numbers, and reset to the default.
import QRCode from "qrcode";
import { z } from "zod";
import {
  checkTemplateSyntax,
  DEFAULT_BODY_TEMPLATE,
  DEFAULT_SUBJECT_TEMPLATE,
  EmailTemplateError,
  inlineCidImages,
  MAX_BODY_LENGTH,
  MAX_SUBJECT_LENGTH,
  renderLiquidKeysEmail,
  TEMPLATE_VARIABLES,
  type TemplateProblem,
} from "~/email/templates/liquid";
import { findOrCreateShop, setEmailTemplate } from "~/models/shop.server";
import type { AdminDeps } from "./deps";

export const templateSchema = z.object({
  subject: z
    .string()
    .trim()
    .min(1, { message: "Enter a subject" })
    .max(MAX_SUBJECT_LENGTH, { message: `At most ${MAX_SUBJECT_LENGTH} characters` }),
  body: z
    .string()
    .min(1, { message: "Enter a body" })
    .max(MAX_BODY_LENGTH, { message: `At most ${MAX_BODY_LENGTH} characters` }),
});

const shopNameOf = (shop: string) =>
  shop
    .replace(/\.myshopify\.com$/, "")
    .replace(/-/g, " ")
    .replace(/\b\w/g, (c) => c.toUpperCase());

export async function loadEmailTemplate(deps: Pick<AdminDeps, "db">, input: { shop: string }) {
  const shop = await findOrCreateShop(deps.db, input.shop);
  const custom = shop.emailSubjectTemplate !== null || shop.emailBodyTemplate !== null;
  return {
    custom,
    subject: shop.emailSubjectTemplate ?? DEFAULT_SUBJECT_TEMPLATE,
    body: shop.emailBodyTemplate ?? DEFAULT_BODY_TEMPLATE,
    defaults: { subject: DEFAULT_SUBJECT_TEMPLATE, body: DEFAULT_BODY_TEMPLATE },
    variables: TEMPLATE_VARIABLES,
  };
}

let sampleQr: Promise<string> | undefined;

async function sampleOrder(shop: { shop: string; senderName: string | null; replyTo: string | null }) {
  sampleQr ??= QRCode.toDataURL("ARCADE-GIFT-25-SAMPLE-0001", { margin: 1, width: 200 });
  return {
    locale: "en",
    shopName: shop.senderName ?? shopNameOf(shop.shop),
    shopDomain: shop.shop,
    replyTo: shop.replyTo,
    orderName: "#1001",
    orderStatusUrl: `https://${shop.shop}/orders/sample`,
    customerFirstName: "Ada",
    customerLastName: "Lovelace",
    customerEmail: "ada@example.com",
    products: [
      {
        title: "Starfall Odyssey — Steam key",
        quantityOrdered: 2,
        keys: [
          { type: "text" as const, value: "STAR1-FALL2-ODYS3" },
          { type: "text" as const, value: "STAR4-FALL5-ODYS6" },
        ],
      },
      {
        title: "Arcade Gift Card €25 (QR)",
        quantityOrdered: 1,
        keys: [{ type: "image" as const, value: await sampleQr }],
      },
    ],
  };
}

export type PreviewResult =
  { ok: true; subject: string; html: string; text: string } | { ok: false; problems: TemplateProblem[] };

/** Renders a template on the sample order, for the live preview and for validation before saving. */
export async function previewEmailTemplate(
  deps: Pick<AdminDeps, "db">,
  input: { shop: string; subject: string; body: string },
): Promise<PreviewResult> {
  const problems = checkTemplateSyntax(input);
  if (problems.length > 0) return { ok: false, problems };
  const shop = await findOrCreateShop(deps.db, input.shop);
  try {
    const rendered = await renderLiquidKeysEmail({
      ...(await sampleOrder(shop)),
      template: { subject: input.subject, body: input.body },
    });
    return {
      ok: true,
      subject: rendered.subject,
      html: inlineCidImages(rendered.html, rendered.attachments),
      text: rendered.text,
    };
  } catch (err) {
    if (err instanceof EmailTemplateError) return { ok: false, problems: [err.problem] };
    throw err;
  }
}

export async function saveEmailTemplate(
  deps: Pick<AdminDeps, "db">,
  input: { shop: string; subject: string; body: string },
): Promise<{ ok: true; message: string } | { ok: false; problems: TemplateProblem[] }> {
  const preview = await previewEmailTemplate(deps, input);
  if (!preview.ok) return preview;
  await setEmailTemplate(deps.db, input.shop, { subject: input.subject, body: input.body });
  return { ok: true, message: "Email template saved. New key emails use it." };
}

export async function resetEmailTemplate(deps: Pick<AdminDeps, "db">, input: { shop: string }) {
  await findOrCreateShop(deps.db, input.shop);
  await setEmailTemplate(deps.db, input.shop, { subject: null, body: null });
  return { ok: true as const, message: "Email template reset to the default." };
}

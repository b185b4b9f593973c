// The customer's keys email. Text keys are shown in a monospace box (easy to select and copy) and in the
// plain-text part; image keys are inline CID attachments (`cid:key-<n>@erysta`), never data: URLs.
import { dictionaryFor, resolveLocale } from "./i18n";
import { decodeImageKey } from "./image";
import {
  MONO,
  bulletList,
  button,
  esc,
  escLines,
  heading,
  layout,
  oneLine,
  paragraph,
  safeUrl,
} from "./html";
import type { EmailAttachment, KeysEmailInput, RenderedEmail } from "./types";

const MAX_IMAGE_WIDTH = 320;

export function keyCid(n: number): string {
  return `key-${n}@erysta`;
}

export function renderKeysEmail(input: KeysEmailInput): RenderedEmail {
  const lang = resolveLocale(input.locale);
  const t = dictionaryFor(lang);
  const k = t.keys;
  const ctx = { shopName: input.shopName, orderName: input.orderName };
  const missingProducts = input.products.filter((p) => (p.missingCount ?? 0) > 0);
  const partial = input.partial === true || missingProducts.length > 0;

  const subject = oneLine(partial ? k.subjectPartial(input.orderName) : k.subject(input.orderName));
  const attachments: EmailAttachment[] = [];
  const html: string[] = [];
  const text: string[] = [];

  const greeting = t.common.greeting(input.customerFirstName?.trim() || undefined);
  const intro = partial ? k.introPartial(ctx) : k.intro(ctx);
  html.push(paragraph(greeting), paragraph(intro));
  text.push(greeting, "", intro, "");

  let n = 0;
  let hasImages = false;
  for (const product of input.products) {
    if (product.keys.length === 0) continue;
    html.push(heading(product.title));
    html.push(
      paragraph(k.quantity(product.quantityOrdered), "color:#52525b;font-size:13px;margin-bottom:8px;"),
    );
    text.push(`${product.title} (${k.quantity(product.quantityOrdered)})`);
    for (const key of product.keys) {
      n += 1;
      const label = k.keyLabel(n);
      html.push(`<p style="margin:12px 0 4px;font-size:13px;color:#52525b;">${esc(label)}</p>`);
      if (key.type === "image") {
        hasImages = true;
        const image = decodeImageKey(key.value, `${label} of "${product.title}"`);
        const filename = `key-${n}.${image.ext}`;
        const cid = keyCid(n);
        attachments.push({
          filename,
          content: image.content,
          contentType: image.contentType,
          cid,
          contentDisposition: "inline",
        });
        const width = Math.min(image.width ?? MAX_IMAGE_WIDTH, MAX_IMAGE_WIDTH);
        html.push(
          `<img src="cid:${esc(cid)}" alt="${esc(k.imageKeyAlt(n, product.title))}" width="${width}" ` +
            `style="display:block;width:${width}px;max-width:100%;height:auto;border:0;margin:0 0 12px;">`,
        );
        text.push(`  ${label}: ${k.imageKeyText(filename)}`);
      } else {
        html.push(
          `<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin:0 0 12px;"><tr>` +
            `<td style="${MONO}font-size:16px;line-height:1.4;color:#18181b;background:#f4f4f5;border:1px solid #d4d4d8;` +
            `border-radius:4px;padding:10px 14px;word-break:break-all;">${escLines(key.value)}</td></tr></table>`,
        );
        const [first = "", ...rest] = key.value.split(/\r?\n/);
        text.push(`  ${label}: ${first}`, ...rest.map((line) => `         ${line}`));
      }
    }
    if ((product.missingCount ?? 0) > 0) {
      const note = k.missingForProduct(product.missingCount ?? 0, product.quantityOrdered);
      html.push(paragraph(note, "color:#b45309;"));
      text.push(`  ${note}`);
    }
    text.push("");
  }
  if (hasImages) {
    html.push(paragraph(k.imageKeyHint, "color:#52525b;font-size:13px;"));
    text.push(k.imageKeyHint, "");
  }

  if (partial) {
    const missing = input.products
      .filter((p) => (p.missingCount ?? 0) > 0 || (p.keys.length === 0 && p.quantityOrdered > 0))
      .map((p) => k.missingItem(p.title, p.missingCount ?? p.quantityOrdered));
    html.push(heading(k.partialHeading), paragraph(k.partialBody(input.shopName)));
    text.push(`${k.partialHeading}:`, k.partialBody(input.shopName));
    if (missing.length > 0) {
      html.push(bulletList(missing));
      text.push(...missing.map((m) => `  - ${m}`));
    }
    text.push("");
  }

  const statusUrl = safeUrl(input.orderStatusUrl);
  if (statusUrl) {
    html.push(button(statusUrl, k.viewOrder));
    text.push(`${k.viewOrder}: ${statusUrl}`, "");
  }
  html.push(paragraph(k.safety, "font-size:13px;color:#52525b;"));
  const questions = t.common.questions(input.replyTo ?? undefined);
  const signature = t.common.signature(input.shopName);
  html.push(paragraph(questions), paragraph(signature));
  text.push(k.safety, "", questions, "", signature, "");

  return {
    subject,
    html: layout({ lang, title: subject, preheader: k.preheader(input.orderName), body: html.join("\n") }),
    text: text.join("\n"),
    attachments,
  };
}

// Alerts to the merchant: what happened to an order, and what to do about it.
import { dictionaryFor, resolveLocale } from "./i18n";
import { MONO, bulletList, button, esc, heading, layout, oneLine, paragraph, safeUrl } from "./html";
import type { AlertReasonCode, MerchantAlertEmailInput, RenderedEmail } from "./types";

/** Recognises the causes that have specific advice in Erysta's free-text reasons. */
export function inferReasonCode(reason: string): AlertReasonCode | undefined {
  if (/insufficient|balance|funds|top.?up/i.test(reason)) return "insufficient_funds";
  if (/out.of.stock|no stock|sold out/i.test(reason)) return "out_of_stock";
  if (/api.?key|unauthori[sz]ed|forbidden|\b40[13]\b/i.test(reason)) return "invalid_api_key";
  if (/not mapped|unknown product|product not found|no such product/i.test(reason))
    return "product_unavailable";
  return undefined;
}

export function renderMerchantAlertEmail(input: MerchantAlertEmailInput): RenderedEmail {
  const lang = resolveLocale(input.locale);
  const a = dictionaryFor(lang).alert;
  const copy = a.kinds[input.kind];
  const subject = oneLine(copy.subject(input.orderName));
  const happened = copy.whatHappened({ orderName: input.orderName, reason: input.reason });
  const code =
    input.kind === "failed_to_place" ? (input.reasonCode ?? inferReasonCode(input.reason)) : undefined;
  const steps = (code && a.adviceByReason[code]) || copy.whatToDo;
  const adminUrl = safeUrl(input.adminOrderUrl);

  const details: Array<[string, string]> = [
    [a.order, input.orderName],
    [a.reason, input.reason],
  ];
  if (input.erystaOrderId) details.push([a.erystaOrderId, input.erystaOrderId]);
  if (input.referenceId) details.push([a.referenceId, input.referenceId]);
  if (input.traceId) details.push([a.traceId, input.traceId]);

  const rows = details
    .map(
      ([label, value]) =>
        `<tr><td style="padding:4px 12px 4px 0;color:#52525b;vertical-align:top;white-space:nowrap;">${esc(label)}</td>` +
        `<td style="padding:4px 0;${MONO}word-break:break-all;">${esc(value)}</td></tr>`,
    )
    .join("");
  const html = [
    heading(a.whatHappened),
    paragraph(happened),
    heading(a.whatToDo),
    bulletList(steps),
    adminUrl ? button(adminUrl, a.openInAdmin) : "",
    heading(a.details),
    `<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin:0 0 16px;font-size:14px;">${rows}</table>`,
  ];
  const text = [
    subject,
    "",
    `${a.whatHappened}:`,
    happened,
    "",
    `${a.whatToDo}:`,
    ...steps.map((s) => `  - ${s}`),
    "",
    ...(adminUrl ? [`${a.openInAdmin}: ${adminUrl}`, ""] : []),
    `${a.details}:`,
    ...details.map(([label, value]) => `  ${label}: ${value}`),
    "",
    a.footer(input.shopName),
    "",
  ];

  return {
    subject,
    html: layout({
      lang,
      title: subject,
      preheader: happened,
      body: html.join("\n"),
      footer: esc(a.footer(input.shopName)),
    }),
    text: text.join("\n"),
    attachments: [],
  };
}

// "Your keys are on the way": sent to the customer when a delivery runs late (shop setting).
import { dictionaryFor, resolveLocale } from "./i18n";
import { button, layout, oneLine, paragraph, safeUrl } from "./html";
import type { OnTheWayEmailInput, RenderedEmail } from "./types";

export function renderOnTheWayEmail(input: OnTheWayEmailInput): RenderedEmail {
  const lang = resolveLocale(input.locale);
  const t = dictionaryFor(lang);
  const subject = oneLine(t.onTheWay.subject(input.orderName));
  const greeting = t.common.greeting(input.customerFirstName?.trim() || undefined);
  const body = t.onTheWay.body({ shopName: input.shopName, orderName: input.orderName });
  const questions = t.common.questions(input.replyTo ?? undefined);
  const signature = t.common.signature(input.shopName);
  const statusUrl = safeUrl(input.orderStatusUrl);

  const html = [paragraph(greeting), paragraph(body)];
  const text = [greeting, "", body, ""];
  if (statusUrl) {
    html.push(button(statusUrl, t.onTheWay.checkStatus));
    text.push(`${t.onTheWay.checkStatus}: ${statusUrl}`, "");
  }
  html.push(paragraph(questions), paragraph(signature));
  text.push(questions, "", signature, "");

  return {
    subject,
    html: layout({ lang, title: subject, preheader: t.onTheWay.preheader, body: html.join("\n") }),
    text: text.join("\n"),
    attachments: [],
  };
}

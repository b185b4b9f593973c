// The merchant-editable keys email: subject and body in Liquid (liquidjs), edited in the admin.
//
// Safety: every variable is HTML-escaped on output (outputEscape, and `raw` cannot turn it off), the
// engine has no file system (no include/render/layout of files), and parse/render/memory are bounded.
// The merchant's own markup is theirs. Image keys are never inlined as data: URLs: they go out as CID
// attachments exactly like the default template, and templates reference them as `key.image_src`.
import { Liquid, type LiquidOptions } from "liquidjs";
import { decodeImageKey } from "./image";
import { keyCid } from "./keys";
import { layout, oneLine, safeUrl } from "./html";
import type { EmailAttachment, KeysEmailInput, RenderedEmail } from "./types";

export const DEFAULT_SUBJECT_TEMPLATE = "Your keys for order {{ order.name }} from {{ shop.name }}";

export const DEFAULT_BODY_TEMPLATE = `<p>Hi {{ customer.first_name | default: "there" }},</p>
<p>Thank you for your order {{ order.name }} at {{ shop.name }}. Here are your keys:</p>
{% for product in products %}
<h2 style="font-size:17px;margin:24px 0 8px;">{{ product.title }}</h2>
{% for key in product.keys %}
<p style="margin:12px 0 4px;font-size:13px;color:#52525b;">Key {{ key.number }}</p>
{% if key.type == "image" %}
<img src="{{ key.image_src }}" alt="{{ key.image_alt }}" width="240" style="display:block;max-width:100%;">
{% else %}
<p style="font-family:'Courier New',monospace;font-size:16px;background:#f4f4f5;border:1px solid #d4d4d8;border-radius:4px;padding:10px 14px;">{{ key.value }}</p>
{% endif %}
{% endfor %}
{% if product.missing > 0 %}
<p style="color:#b45309;">{{ product.missing }} of {{ product.quantity }} still to come: we will follow up with you.</p>
{% endif %}
{% endfor %}
{% if order.status_url != blank %}
<p><a href="{{ order.status_url }}">View your order</a></p>
{% endif %}
<p style="font-size:13px;color:#52525b;">Keep your keys private: anyone who has a key can redeem it.</p>
<p>Questions? Just reply to this email{% if shop.reply_to != blank %} or write to {{ shop.reply_to }}{% endif %}.</p>
<p>Thanks,<br>{{ shop.name }}</p>
`;

/** The variables a template can use, for the editor's help text. */
export const TEMPLATE_VARIABLES: { name: string; description: string }[] = [
  { name: "shop.name", description: "Your store's name (the sender name in Settings)" },
  { name: "shop.reply_to", description: "Reply-to address from Settings" },
  { name: "order.name", description: "Order number, e.g. #1001" },
  { name: "order.status_url", description: "Link to the order status page" },
  { name: "order.partial", description: "true when some keys are still missing" },
  { name: "customer.first_name", description: "Customer's first name" },
  { name: "customer.last_name", description: "Customer's last name" },
  { name: "customer.email", description: "Customer's email" },
  { name: "customer.locale", description: "Customer's language, e.g. en or de" },
  { name: "products", description: "Each product: title, quantity, missing, keys" },
  {
    name: "keys",
    description: "Every key: number, product, type (text or image), value, image_src, image_alt",
  },
];

export const MAX_SUBJECT_LENGTH = 500;
export const MAX_BODY_LENGTH = 50_000;

const BASE_OPTIONS: LiquidOptions = {
  strictFilters: true,
  strictVariables: false,
  ownPropertyOnly: true,
  // No file system: include/render/layout can only name templates in this (empty) map.
  templates: {},
  parseLimit: 200_000,
  renderLimit: 1_000,
  memoryLimit: 10_000_000,
};

function engine(escape: boolean) {
  const liquid = new Liquid({ ...BASE_OPTIONS, ...(escape ? { outputEscape: "escape" as const } : {}) });
  // `raw` would skip the escaping; here it is a no-op, so customer data stays escaped.
  liquid.registerFilter("raw", (value: unknown) => value);
  return liquid;
}
const htmlEngine = engine(true);
const textEngine = engine(false);

export interface TemplateProblem {
  field: "subject" | "body";
  line: number;
  column: number;
  message: string;
}

export class EmailTemplateError extends Error {
  constructor(readonly problem: TemplateProblem) {
    super(`${problem.field === "subject" ? "Subject" : "Body"}, line ${problem.line}: ${problem.message}`);
    this.name = "EmailTemplateError";
  }
}

function problemOf(field: TemplateProblem["field"], err: unknown): TemplateProblem {
  const e = err as { message?: string; token?: { getPosition?: () => [number, number] } };
  const [line, column] = e.token?.getPosition?.() ?? [1, 1];
  const message = String(e.message ?? err)
    .replace(/, line:\d+, col:\d+$/, "")
    .replace(/^ENOENT: Failed to lookup "([^"]*)" in "[^"]*"/, 'Templates cannot include other files ("$1")');
  return { field, line, column, message };
}

/** Parses both parts; the first problem of each, with its line number. */
export function checkTemplateSyntax(template: { subject: string; body: string }): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  for (const field of ["subject", "body"] as const) {
    try {
      (field === "subject" ? textEngine : htmlEngine).parse(template[field]);
    } catch (err) {
      problems.push(problemOf(field, err));
    }
  }
  return problems;
}

export interface LiquidKeysEmailInput extends KeysEmailInput {
  template: { subject: string | null; body: string | null };
  shopDomain?: string | null;
  customerLastName?: string | null;
  customerEmail?: string | null;
}

/** The template variables for one email, plus the image attachments its keys need. */
export function keysTemplateContext(input: LiquidKeysEmailInput) {
  const attachments: EmailAttachment[] = [];
  let n = 0;
  const allKeys: Record<string, unknown>[] = [];
  const products = input.products.map((product) => {
    const keys = product.keys.map((key) => {
      n += 1;
      const number = n;
      let imageSrc = "";
      if (key.type === "image") {
        const image = decodeImageKey(key.value, `Key ${number} of "${product.title}"`);
        const cid = keyCid(number);
        attachments.push({
          filename: `key-${number}.${image.ext}`,
          content: image.content,
          contentType: image.contentType,
          cid,
          contentDisposition: "inline",
        });
        imageSrc = `cid:${cid}`;
      }
      const view = {
        number,
        product: product.title,
        type: key.type,
        value: key.type === "text" ? key.value : "",
        image_src: imageSrc,
        image_alt:
          key.type === "image" ? `Key ${number} for ${product.title} (image, attached as key-${number})` : "",
      };
      allKeys.push(view);
      return view;
    });
    return {
      title: product.title,
      quantity: product.quantityOrdered,
      missing: product.missingCount ?? 0,
      keys,
    };
  });
  const partial = input.partial === true || products.some((p) => p.missing > 0);
  const context = {
    shop: { name: input.shopName, domain: input.shopDomain ?? "", reply_to: input.replyTo ?? "" },
    order: {
      name: input.orderName,
      status_url: safeUrl(input.orderStatusUrl) ?? "",
      partial,
      key_count: allKeys.length,
      missing_count: products.reduce((sum, p) => sum + p.missing, 0),
    },
    customer: {
      first_name: input.customerFirstName?.trim() ?? "",
      last_name: input.customerLastName?.trim() ?? "",
      email: input.customerEmail ?? "",
      locale: input.locale ?? "",
    },
    products,
    keys: allKeys,
  };
  return { context, attachments };
}

/** Renders the shop's template; throws EmailTemplateError (with a line) when it cannot. */
export async function renderLiquidKeysEmail(input: LiquidKeysEmailInput): Promise<RenderedEmail> {
  const { context, attachments } = keysTemplateContext(input);
  const subjectSource = input.template.subject ?? DEFAULT_SUBJECT_TEMPLATE;
  const bodySource = input.template.body ?? DEFAULT_BODY_TEMPLATE;
  let subject: string;
  let body: string;
  try {
    subject = oneLine(String(await textEngine.parseAndRender(subjectSource, context)));
  } catch (err) {
    throw new EmailTemplateError(problemOf("subject", err));
  }
  try {
    body = String(await htmlEngine.parseAndRender(bodySource, context));
  } catch (err) {
    throw new EmailTemplateError(problemOf("body", err));
  }
  if (!subject)
    throw new EmailTemplateError({ field: "subject", line: 1, column: 1, message: "The subject is empty." });
  const lang = (input.locale ?? "en").split(/[-_]/)[0]!.toLowerCase() || "en";
  return {
    subject,
    html: layout({ lang, title: subject, body }),
    text: htmlToText(body),
    attachments,
  };
}

const ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  "#39": "'",
  apos: "'",
  nbsp: " ",
};

/** The plain-text part from the rendered HTML body: links keep their URL, images their alt text. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(style|script|head)[\s\S]*?<\/\1>/gi, "")
    .replace(/<img\b[^>]*\balt="([^"]*)"[^>]*>/gi, "[$1]")
    .replace(/<a\b[^>]*\bhref="([^"]*)"[^>]*>([\s\S]*?)<\/a>/gi, (_m, href: string, label: string) =>
      label.trim() && label.trim() !== href ? `${label} (${href})` : href,
    )
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<\/(p|h[1-6]|li|tr|div|table)>/gi, "\n\n")
    .replace(/<li\b[^>]*>/gi, "- ")
    .replace(/<[^>]+>/g, "")
    .replace(/&(amp|lt|gt|quot|#39|apos|nbsp);/g, (_m, name: string) => ENTITIES[name] ?? "")
    .replace(/[ \t]+\n/g, "\n")
    .replace(/\n[ \t]+/g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim()
    .concat("\n");
}

/** For previews in a browser: `cid:` references replaced by data URLs of their attachments. */
export function inlineCidImages(html: string, attachments: EmailAttachment[]): string {
  let out = html;
  for (const a of attachments) {
    if (!a.cid) continue;
    out = out.split(`cid:${a.cid}`).join(`data:${a.contentType};base64,${a.content.toString("base64")}`);
  }
  return out;
}

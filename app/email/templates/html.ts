// HTML building blocks for email: table layout and inline styles (what Gmail and Outlook render), and
// escaping. Every interpolated value goes through `esc` (text/attributes) or `safeUrl` (links).

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function esc(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** Escapes and keeps line breaks. */
export function escLines(value: string): string {
  return esc(value).replace(/\r?\n/g, "<br>");
}

/** Only absolute http(s) URLs make it into a link; anything else (javascript:, data:, garbage) is dropped. */
export function safeUrl(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:" ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}

/** Header-safe single line (subjects): no CR/LF or other control characters. */
export function oneLine(value: string): string {
  return (
    value
      // Control characters (CR/LF above all) must never reach a header: that is how headers get injected.
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f]+/g, " ")
      .replace(/\s{2,}/g, " ")
      .trim()
  );
}

const FONT = "font-family:Arial,Helvetica,sans-serif;";
export const MONO = "font-family:'Courier New',Courier,monospace;";

export function paragraph(text: string, style = ""): string {
  return `<p style="margin:0 0 16px;${style}">${escLines(text)}</p>`;
}

export function heading(text: string): string {
  return `<h2 style="margin:24px 0 8px;font-size:17px;line-height:1.3;color:#18181b;">${esc(text)}</h2>`;
}

export function button(href: string, label: string): string {
  return (
    `<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin:8px 0 20px;"><tr>` +
    `<td style="background:#18181b;border-radius:6px;"><a href="${esc(href)}" target="_blank" ` +
    `style="display:inline-block;padding:11px 20px;${FONT}font-size:15px;color:#ffffff;text-decoration:none;font-weight:bold;">` +
    `${esc(label)}</a></td></tr></table>`
  );
}

export function bulletList(items: string[]): string {
  return `<ul style="margin:0 0 16px;padding-left:20px;">${items.map((i) => `<li style="margin:0 0 6px;">${escLines(i)}</li>`).join("")}</ul>`;
}

export function layout(options: {
  lang: string;
  title: string;
  preheader?: string;
  body: string;
  footer?: string;
}): string {
  const preheader = options.preheader
    ? `<div style="display:none;max-height:0;overflow:hidden;mso-hide:all;">${esc(options.preheader)}</div>`
    : "";
  const footer = options.footer
    ? `<tr><td style="padding:16px 28px 0;${FONT}font-size:12px;line-height:1.5;color:#71717a;">${options.footer}</td></tr>`
    : "";
  return `<!DOCTYPE html>
<html lang="${esc(options.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="x-apple-disable-message-reformatting">
<title>${esc(options.title)}</title>
</head>
<body style="margin:0;padding:0;background:#f4f4f5;">
${preheader}
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f4f4f5;">
<tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0" style="width:100%;max-width:600px;">
<tr><td style="background:#ffffff;border-radius:8px;padding:28px;${FONT}font-size:15px;line-height:1.5;color:#18181b;">
${options.body}
</td></tr>
${footer}
</table>
</td></tr>
</table>
</body>
</html>
`;
}

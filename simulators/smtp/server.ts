// The mail simulator for the demo: the SMTP capture, plus every message written to a folder as .eml and
// a tiny web page listing them, so a person can read what the app sent (including the inline key images).
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { simpleParser, type ParsedMail } from "mailparser";
import { startSmtpCapture, type CapturedMessage, type SmtpCapture } from "./capture";

export interface MailSimulatorOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  smtpPort?: number;
  /** Port of the web index; 0 picks a free one, `false` disables it. */
  httpPort?: number | false;
  /** Where .eml files go (created if missing). */
  dir?: string;
  log?: (line: string) => void;
}

export interface MailSimulator {
  /** Put this in SMTP_URL. */
  smtpUrl: string;
  /** The web index, when enabled. */
  webUrl?: string;
  dir: string;
  capture: SmtpCapture;
  close(): Promise<void>;
}

export function emlFileName(message: CapturedMessage): string {
  const stamp = message.receivedAt.toISOString().replace(/[:.]/g, "-");
  const slug = message.subject
    .normalize("NFKD")
    .replace(/[^\w\s-]/g, "")
    .trim()
    .replace(/\s+/g, "-")
    .slice(0, 60);
  return `${stamp}-${slug || "no-subject"}-${message.queueId}.eml`;
}

export async function startMailSimulator(options: MailSimulatorOptions = {}): Promise<MailSimulator> {
  const host = options.host ?? "127.0.0.1";
  const dir = path.resolve(options.dir ?? ".data/mail");
  await mkdir(dir, { recursive: true });
  const capture = await startSmtpCapture({
    host,
    port: options.smtpPort ?? 0,
    async onMessage(message) {
      const file = emlFileName(message);
      await writeFile(path.join(dir, file), message.raw);
      options.log?.(`${message.envelope.to.join(", ")}: ${message.subject} → ${file}`);
    },
  });

  let http: Server | undefined;
  let webUrl: string | undefined;
  if (options.httpPort !== false) {
    http = createServer((req, res) => {
      handle(dir, req.url ?? "/")
        .then(({ status, type, body, headers }) => {
          res.writeHead(status, { "content-type": type, "x-content-type-options": "nosniff", ...headers });
          res.end(body);
        })
        .catch((err: unknown) => {
          res.writeHead(500, { "content-type": "text/plain" });
          res.end(String(err));
        });
    });
    await new Promise<void>((resolve) => http!.listen(options.httpPort || 0, host, resolve));
    webUrl = `http://${host}:${(http.address() as AddressInfo).port}`;
  }

  return {
    smtpUrl: capture.url,
    webUrl,
    dir,
    capture,
    async close() {
      await capture.stop();
      if (http) await new Promise<void>((resolve) => http!.close(() => resolve()));
    },
  };
}

interface Reply {
  status: number;
  type: string;
  body: string | Buffer;
  headers?: Record<string, string>;
}

const esc = (v: string) => v.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (title: string, body: string): Reply => ({
  status: 200,
  type: "text/html; charset=utf-8",
  body: `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${esc(title)}</title><style>body{font:14px system-ui,sans-serif;margin:24px;max-width:1000px}td,th{padding:4px 10px;text-align:left;border-bottom:1px solid #ddd}pre{white-space:pre-wrap;background:#f4f4f5;padding:12px}iframe{width:100%;height:70vh;border:1px solid #ccc}</style></head><body>${body}</body></html>`,
});
const notFound: Reply = { status: 404, type: "text/plain", body: "not found" };

async function listMessages(dir: string) {
  const files = (await readdir(dir))
    .filter((f) => f.endsWith(".eml"))
    .sort()
    .reverse()
    .slice(0, 200);
  return Promise.all(
    files.map(async (file) => {
      const mail = await simpleParser(await readFile(path.join(dir, file)), { keepCidLinks: true });
      return { file, mail };
    }),
  );
}

const addresses = (a: ParsedMail["to"]) =>
  a === undefined ? "" : Array.isArray(a) ? a.map((x) => x.text).join(", ") : a.text;

async function handle(dir: string, rawUrl: string): Promise<Reply> {
  const url = new URL(rawUrl, "http://sim");
  if (url.pathname === "/" || url.pathname === "/api/messages") {
    const messages = await listMessages(dir);
    if (url.pathname === "/api/messages") {
      const list = messages.map(({ file, mail }) => ({
        file,
        subject: mail.subject,
        to: addresses(mail.to),
        from: mail.from?.text,
        date: mail.date,
      }));
      return { status: 200, type: "application/json", body: JSON.stringify(list) };
    }
    const rows = messages
      .map(
        ({ file, mail }) =>
          `<tr><td>${esc(mail.date?.toISOString() ?? "")}</td><td>${esc(addresses(mail.to))}</td><td><a href="/m/${encodeURIComponent(file)}">${esc(mail.subject ?? "(no subject)")}</a></td></tr>`,
      )
      .join("");
    return page(
      "Mail",
      `<h1>Mail sent by the app (${messages.length})</h1><p>Folder: ${esc(dir)}</p><table><tr><th>Date</th><th>To</th><th>Subject</th></tr>${rows}</table>`,
    );
  }
  const match = /^\/m\/([\w.-]+\.eml)(?:\/(html|raw)|\/cid\/(.+))?$/.exec(url.pathname);
  if (!match?.[1]) return notFound;
  const file = match[1];
  const raw = await readFile(path.join(dir, file)).catch(() => undefined);
  if (!raw) return notFound;
  if (match[2] === "raw") return { status: 200, type: "text/plain; charset=utf-8", body: raw };
  const mail = await simpleParser(raw, { keepCidLinks: true });
  const base = `/m/${encodeURIComponent(file)}`;
  if (match[3]) {
    const cid = decodeURIComponent(match[3]);
    const attachment = mail.attachments.find((a) => a.cid === cid);
    return attachment ? { status: 200, type: attachment.contentType, body: attachment.content } : notFound;
  }
  if (match[2] === "html") {
    const html = (typeof mail.html === "string" ? mail.html : "").replace(
      /cid:([^"'\s)>]+)/g,
      (_m, cid: string) => `${base}/cid/${encodeURIComponent(cid)}`,
    );
    return {
      status: 200,
      type: "text/html; charset=utf-8",
      body: html,
      headers: {
        "content-security-policy": "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'",
      },
    };
  }
  const attachments = mail.attachments
    .map(
      (a) =>
        `<li><a href="${base}/cid/${encodeURIComponent(a.cid ?? "")}">${esc(a.filename ?? a.cid ?? "attachment")}</a> (${esc(a.contentType)})</li>`,
    )
    .join("");
  return page(
    mail.subject ?? "Mail",
    `<p><a href="/">← all mail</a> · <a href="${base}/raw">raw .eml</a></p><h1>${esc(mail.subject ?? "")}</h1>` +
      `<p>From: ${esc(mail.from?.text ?? "")}<br>To: ${esc(addresses(mail.to))}<br>Reply-To: ${esc(mail.replyTo?.text ?? "")}<br>Date: ${esc(mail.date?.toISOString() ?? "")}</p>` +
      `<iframe sandbox src="${base}/html"></iframe><h2>Text part</h2><pre>${esc(mail.text ?? "")}</pre>` +
      (attachments ? `<h2>Attachments</h2><ul>${attachments}</ul>` : ""),
  );
}

// An in-process SMTP server that keeps every message it receives, parsed. Used by tests (through
// tests/support/smtp-capture.ts) and by the mail simulator (./server.ts), which also writes .eml files.
// No auth, no TLS. Outage switches: `setDown("421" | "refuse" | "hang")`, `rejectRecipients(pattern)`.
import { randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import type { AddressInfo, Socket } from "node:net";
import { simpleParser, type Attachment, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface CapturedMessage {
  /** The id we answered in "250 Ok: queued as <queueId>" (what a sender records as provider id). */
  queueId: string;
  receivedAt: Date;
  envelope: { from: string | null; to: string[] };
  raw: Buffer;
  parsed: ParsedMail;
  subject: string;
  messageId?: string;
  text: string;
  /** The HTML as sent: `cid:` references are kept (not rewritten to data: URLs). */
  html: string;
  attachments: Attachment[];
}

/**
 * How the server misbehaves while down:
 * - "421": accepts the TCP connection and greets with "421 Service not available" (temporary).
 * - "refuse": stops listening, so connections are refused (ECONNREFUSED).
 * - "hang": accepts the connection but never greets (the client's greeting timeout fires).
 */
export type SmtpDownMode = "421" | "refuse" | "hang";

export interface SmtpCaptureOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Called with every message after it is stored and before the client gets its 250. */
  onMessage?: (message: CapturedMessage) => void | Promise<void>;
}

export interface SmtpCapture {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Every message received since start (or the last `clear()`), in arrival order. */
  readonly messages: CapturedMessage[];
  /** Resolves with the messages once at least `count` have arrived; rejects after `timeoutMs` (5 s). */
  waitForMessages(count: number, options?: { timeoutMs?: number }): Promise<CapturedMessage[]>;
  /** `true` means "421". `false` brings the server back (same port). */
  setDown(down: boolean | SmtpDownMode): Promise<void>;
  /** Recipients matching (a RegExp, or a case-insensitive substring) get "550 5.1.1 Mailbox unavailable" at RCPT TO. `null` clears it. */
  rejectRecipients(pattern: RegExp | string | null): void;
  clear(): void;
  stop(): Promise<void>;
}

export async function startSmtpCapture(options: SmtpCaptureOptions = {}): Promise<SmtpCapture> {
  const host = options.host ?? "127.0.0.1";
  const messages: CapturedMessage[] = [];
  const events = new EventEmitter();
  events.setMaxListeners(0);
  let down: SmtpDownMode | null = null;
  let rejectPattern: RegExp | null = null;
  const hung = new Set<(err?: Error | null) => void>();
  // Open client connections: an outage also breaks the ones a pooling sender keeps open.
  const sockets = new Set<Socket>();

  const smtpError = (message: string, responseCode: number) =>
    Object.assign(new Error(message), { responseCode });

  const releaseHung = () => {
    for (const callback of hung)
      callback(smtpError("Service not available, closing transmission channel", 421));
    hung.clear();
  };

  const server = new SMTPServer({
    authOptional: true,
    disableReverseLookup: true,
    disabledCommands: ["AUTH", "STARTTLS"],
    hideSTARTTLS: true,
    logger: false,
    banner: "Erysta SMTP capture",
    closeTimeout: 200,
    socketTimeout: 30_000,
    onConnect(_session, callback) {
      if (down === "hang") {
        hung.add(callback);
        return;
      }
      if (down) return callback(smtpError("Service not available, try again later", 421));
      callback();
    },
    onRcptTo(address, _session, callback) {
      if (rejectPattern?.test(address.address)) {
        return callback(smtpError(`5.1.1 <${address.address}>: Mailbox unavailable`, 550));
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("error", (err) => callback(err));
      stream.on("end", () => {
        void (async () => {
          const raw = Buffer.concat(chunks);
          const parsed = await simpleParser(raw, { keepCidLinks: true });
          const queueId = randomBytes(6).toString("hex").toUpperCase();
          const message: CapturedMessage = {
            queueId,
            receivedAt: new Date(),
            envelope: {
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
              to: session.envelope.rcptTo.map((r) => r.address),
            },
            raw,
            parsed,
            subject: parsed.subject ?? "",
            messageId: parsed.messageId,
            text: parsed.text ?? "",
            html: typeof parsed.html === "string" ? parsed.html : "",
            attachments: parsed.attachments,
          };
          messages.push(message);
          await options.onMessage?.(message);
          events.emit("message", message);
          callback(null, `Ok: queued as ${queueId}`);
        })().catch((err: unknown) => callback(err instanceof Error ? err : new Error(String(err))));
      });
    },
  });

  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      server.server.once("error", onError);
      server.server.listen(port, host, () => {
        server.server.off("error", onError);
        resolve((server.server.address() as AddressInfo).port);
      });
    });
  server.server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  const stopListening = () => new Promise<void>((resolve) => server.server.close(() => resolve()));

  const port = await listen(options.port ?? 0);
  const url = `smtp://${host.includes(":") ? `[${host}]` : host}:${port}`;

  return {
    url,
    host,
    port,
    messages,
    waitForMessages(count, { timeoutMs = 5_000 } = {}) {
      if (messages.length >= count) return Promise.resolve(messages.slice());
      return new Promise((resolve, reject) => {
        const onMessage = () => {
          if (messages.length < count) return;
          cleanup();
          resolve(messages.slice());
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`Expected ${count} email(s) within ${timeoutMs} ms, got ${messages.length}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          events.off("message", onMessage);
        };
        events.on("message", onMessage);
      });
    },
    async setDown(value) {
      const next: SmtpDownMode | null = value === true ? "421" : value === false ? null : value;
      if (next === down) return;
      const previous = down;
      down = next;
      if (previous === "hang") releaseHung();
      if (previous === "refuse") await listen(port);
      if (next) for (const socket of sockets) socket.destroy();
      if (next === "refuse") await stopListening();
    },
    rejectRecipients(pattern) {
      // Without the g/y flags, test() keeps no state between calls.
      rejectPattern =
        pattern === null
          ? null
          : typeof pattern === "string"
            ? new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "i")
            : new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ""));
    },
    clear() {
      messages.length = 0;
    },
    async stop() {
      releaseHung();
      down = null;
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

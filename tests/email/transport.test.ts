import net from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { isRetryable } from "~/errors.server";
import { SmtpRejectedError, SmtpUnavailableError } from "~/email/errors";
import { createMailTransport, fromHeader, smtpOptionsFromUrl } from "~/email/transport.server";
import { startSmtpCapture, type SmtpCapture } from "../support/smtp-capture";

const mail = (to = "anna@example.com") => ({
  from: fromHeader("Erysta Fulfillment <no-reply@erysta.test>", "Pixel Keys"),
  to,
  subject: "Hello",
  html: "<p>Hello</p>",
  text: "Hello",
});

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("SMTP transport", () => {
  let capture: SmtpCapture;
  beforeAll(async () => {
    capture = await startSmtpCapture();
  });
  afterAll(() => capture.stop());
  beforeEach(async () => {
    capture.clear();
    capture.rejectRecipients(null);
    await capture.setDown(false);
  });

  it("sends and returns the server's queue id as provider message id", async () => {
    const transport = createMailTransport(capture.url);
    const result = await transport.sendMail(mail());
    const [received] = await capture.waitForMessages(1);
    expect(result.providerMessageId).toBe(received!.queueId);
    expect(received!.parsed.from?.value[0]).toEqual({ name: "Pixel Keys", address: "no-reply@erysta.test" });
    expect(received!.envelope.to).toEqual(["anna@example.com"]);
  });

  it("maps a refused connection to a retryable SmtpUnavailableError", async () => {
    const transport = createMailTransport(`smtp://127.0.0.1:${await closedPort()}`);
    const error = await transport.sendMail(mail()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SmtpUnavailableError);
    expect(isRetryable(error)).toBe(true);
  });

  it("maps a 421 greeting to a retryable error, and works again once the server is back", async () => {
    await capture.setDown("421");
    const transport = createMailTransport(capture.url);
    const error = await transport.sendMail(mail()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SmtpUnavailableError);
    expect((error as SmtpUnavailableError).responseCode).toBe(421);
    await capture.setDown(false);
    await transport.sendMail(mail());
    expect(capture.messages).toHaveLength(1);
  });

  it("maps a server that stops listening to a retryable error, and listens again on the same port", async () => {
    await capture.setDown("refuse");
    const transport = createMailTransport(capture.url);
    const error = await transport.sendMail(mail()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SmtpUnavailableError);
    expect(["ECONNECTION", "ESOCKET"]).toContain((error as SmtpUnavailableError).code);
    await capture.setDown(false);
    await transport.sendMail(mail());
    expect(capture.messages).toHaveLength(1);
  });

  it("times out on a server that never greets", async () => {
    await capture.setDown("hang");
    const transport = createMailTransport(capture.url, { greetingTimeoutMs: 300 });
    const started = Date.now();
    const error = await transport.sendMail(mail()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SmtpUnavailableError);
    expect((error as SmtpUnavailableError).code).toBe("ETIMEDOUT");
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("maps a 550 recipient rejection to a final SmtpRejectedError", async () => {
    capture.rejectRecipients(/@blocked\.test$/);
    const transport = createMailTransport(capture.url);
    const error = await transport.sendMail(mail("nobody@blocked.test")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SmtpRejectedError);
    expect((error as SmtpRejectedError).responseCode).toBe(550);
    expect(isRetryable(error)).toBe(false);
    expect(capture.messages).toHaveLength(0);
  });

  it("reads host, port, TLS mode and percent-encoded credentials from SMTP_URL", () => {
    expect(smtpOptionsFromUrl("smtps://user%40x.com:p%40ss%3Aw@mail.example.com")).toMatchObject({
      host: "mail.example.com",
      port: 465,
      secure: true,
      auth: { user: "user@x.com", pass: "p@ss:w" },
    });
    expect(smtpOptionsFromUrl("smtp://relay:2525?requireTLS=true")).toMatchObject({
      host: "relay",
      port: 2525,
      secure: false,
      requireTLS: true,
    });
    expect(smtpOptionsFromUrl("smtp://relay").auth).toBeUndefined();
    expect(() => smtpOptionsFromUrl("http://relay")).toThrow(/smtp/);
  });
});

// The demo's mail simulator: what the app sends lands in a folder and on a small web page.
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import QRCode from "qrcode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderKeysEmail } from "~/email/templates";
import { createMailTransport, fromHeader } from "~/email/transport.server";
import { startMailSimulator, type MailSimulator } from "../../simulators/smtp";

describe("mail simulator", () => {
  let dir: string;
  let sim: MailSimulator;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "erysta-mail-"));
    sim = await startMailSimulator({ dir, smtpPort: 0, httpPort: 0 });
  });
  afterAll(async () => {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("writes each message as .eml and shows it, inline key images included, on its web page", async () => {
    const dataUrl = await QRCode.toDataURL("GIFT-9");
    const rendered = renderKeysEmail({
      shopName: "Pixel Keys",
      orderName: "#1002",
      products: [{ title: "Gift Card", quantityOrdered: 1, keys: [{ type: "image", value: dataUrl }] }],
    });
    const transport = createMailTransport(sim.smtpUrl);
    await transport.sendMail({
      from: fromHeader("no-reply@erysta.test", "Pixel Keys"),
      to: "anna@example.com",
      ...rendered,
    });
    transport.close();

    const [file] = await readdir(dir);
    expect(file).toMatch(/Your-keys-for-order-1002-[0-9A-F]+\.eml$/);

    const index = await (await fetch(`${sim.webUrl}/`)).text();
    expect(index).toContain("Your keys for order #1002");
    const list = (await (await fetch(`${sim.webUrl}/api/messages`)).json()) as Array<{
      file: string;
      to: string;
    }>;
    expect(list).toEqual([expect.objectContaining({ file, to: "anna@example.com" })]);

    const html = await (await fetch(`${sim.webUrl}/m/${encodeURIComponent(file!)}/html`)).text();
    const src = /src="([^"]+)"/.exec(html)?.[1];
    expect(src).toBe(`/m/${encodeURIComponent(file!)}/cid/${encodeURIComponent("key-1@erysta")}`);
    const image = await fetch(`${sim.webUrl}${src}`);
    expect(image.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await image.arrayBuffer()).equals(Buffer.from(dataUrl.split(",")[1]!, "base64"))).toBe(
      true,
    );

    expect((await fetch(`${sim.webUrl}/m/..%2F..%2Fetc%2Fpasswd`)).status).toBe(404);
  });
});

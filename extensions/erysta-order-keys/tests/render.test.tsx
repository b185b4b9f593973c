// @vitest-environment happy-dom
// The two target modules as Shopify runs them: the default export renders into document.body with the
// `shopify` global of its target (a fake, tests/fake-shopify.ts), and talks to the backend through
// fetch (faked at the network edge). Time is driven by fake timers, never slept through.
import { act } from "preact/test-utils";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { OrderKeysResponse } from "../../../app/customer/order-keys-contract";
import { fakeShopify, type FakeShopifyOptions } from "./fake-shopify";

const APP_URL = "https://erysta-app.example";

type Reply = OrderKeysResponse | { status: number } | Error;
interface Sent {
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

function fakeBackend(replies: Reply[]) {
  const sent: Sent[] = [];
  const fetch = vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
    sent.push({
      url: String(url),
      headers: Object.fromEntries(
        Object.entries((init?.headers ?? {}) as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v]),
      ),
      body: JSON.parse(String(init?.body)),
    });
    // The last reply repeats, so a test can see that no further request was made.
    const reply = replies.length > 1 ? replies.shift()! : replies[0]!;
    if (reply instanceof Error) throw reply;
    if ("access" in reply) return Response.json(reply);
    return new Response("{}", { status: reply.status });
  });
  return { fetch, sent };
}

async function mount(target: "ThankYou" | "OrderStatus", replies: Reply[], options: FakeShopifyOptions = {}) {
  const backend = fakeBackend(replies);
  const { api, requireLogin } = fakeShopify(options);
  vi.stubGlobal("shopify", api);
  vi.stubGlobal("fetch", backend.fetch);
  vi.stubGlobal("__ERYSTA_APP_URL__", APP_URL);
  const module = target === "ThankYou" ? await import("../src/ThankYou") : await import("../src/OrderStatus");
  await act(async () => {
    await module.default();
  });
  await advance(0); // the first answer arrives
  return { ...backend, requireLogin };
}

/** Lets pending timers fire and promises settle, then flushes Preact's effects. */
async function advance(ms: number) {
  await act(async () => {
    await vi.advanceTimersByTimeAsync(ms);
  });
}

const $ = (selector: string) => document.body.querySelector<HTMLElement>(selector);
const $$ = (selector: string) => [...document.body.querySelectorAll<HTMLElement>(selector)];
/** Preact sets unknown props of custom elements as attributes (the host's elements take them as properties). */
const prop = (el: Element | null, name: string) => el?.getAttribute(name.toLowerCase()) ?? null;
const text = (el: Element | null) => (el?.textContent ?? "").replace(/\s+/g, " ").trim();

const pending = (waitingSeconds = 5): OrderKeysResponse => ({
  status: "pending",
  access: "granted",
  waitingSeconds,
  products: [{ title: "Space Game", ordered: 1, missing: 1, keys: [] }],
});
const delivered: OrderKeysResponse = {
  status: "delivered",
  access: "granted",
  orderName: "#1001",
  products: [
    {
      title: "Space Game",
      ordered: 2,
      missing: 0,
      keys: [
        { id: "k1", type: "text", value: "AAAA-BBBB-CCCC" },
        { id: "k2", type: "text", value: "DDDD-EEEE\nPIN 1234" },
      ],
    },
    {
      title: "Gift Card 25",
      ordered: 1,
      missing: 0,
      keys: [{ id: "k3", type: "image", url: `${APP_URL}/api/customer/key-image?key=k3&sig=s` }],
    },
  ],
};

describe("the order keys block", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.resetModules();
    document.body.innerHTML = "";
  });
  afterEach(async () => {
    // Unmount, so no timer of this test survives into the next.
    const { render } = await import("preact");
    await act(async () => render(null, document.body));
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it("Thank you page: says the keys are on the way, refreshes itself, then shows them", async () => {
    const { sent } = await mount("ThankYou", [pending(5), pending(7), delivered]);

    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      url: `${APP_URL}/api/customer/order-keys?surface=checkout`,
      headers: { authorization: "Bearer session-token", "content-type": "application/json" },
      body: { orderId: "gid://shopify/OrderIdentity/1001", checkoutToken: "checkout-token-1" },
    });
    expect(prop($("s-section"), "heading")).toBe("Your keys");
    expect(prop($("s-banner"), "heading")).toBe("Your keys are on the way");
    expect(text($("s-banner"))).toContain(
      "usually takes under a minute; some products take up to 20 minutes",
    );
    expect($("s-spinner")).not.toBeNull();
    expect($("s-clipboard-item")).toBeNull();

    await advance(1_999);
    expect(sent).toHaveLength(1);
    await advance(1);
    expect(sent).toHaveLength(2);
    await advance(2_000);
    expect(sent).toHaveLength(3);

    expect(prop($("s-banner"), "heading")).toBe("Your keys are ready");
    expect(prop($("s-banner"), "tone")).toBe("success");
    expect($("s-spinner")).toBeNull();
    expect($$("s-heading").map(text)).toEqual(["Space Game", "Gift Card 25"]);

    const clipboards = $$("s-clipboard-item");
    expect(clipboards.map((c) => prop(c, "text"))).toEqual(["AAAA-BBBB-CCCC", "DDDD-EEEE\nPIN 1234"]);
    const buttons = $$("s-button");
    expect(buttons.map((b) => [prop(b, "command"), prop(b, "commandFor"), text(b)])).toEqual([
      ["--copy", prop(clipboards[0]!, "id"), "Copy"],
      ["--copy", prop(clipboards[1]!, "id"), "Copy"],
    ]);
    expect(text(document.body)).toContain("AAAA-BBBB-CCCC");
    expect(text(document.body)).toContain("PIN 1234");

    const image = $("s-image");
    expect(prop(image, "src")).toBe(`${APP_URL}/api/customer/key-image?key=k3&sig=s`);
    expect(prop(image, "alt")).toBe("Key 1 for Gift Card 25");

    // Shopify reports the copy on the clipboard item; the button says so.
    await act(() => {
      clipboards[0]!.dispatchEvent(new Event("copy"));
    });
    expect(text(buttons[0]!)).toBe("Copied");
    expect(text(buttons[1]!)).toBe("Copy");

    // Delivered is final: no more requests.
    await advance(30 * 60_000);
    expect(sent).toHaveLength(3);
  });

  it("speaks German to a German buyer", async () => {
    await mount("ThankYou", [pending(5)], { language: "de" });
    expect(prop($("s-section"), "heading")).toBe("Ihre Schlüssel");
    expect(prop($("s-banner"), "heading")).toBe("Ihre Schlüssel sind unterwegs");
    expect(text($("s-banner"))).toContain("weniger als eine Minute, bei manchen Produkten bis zu 20 Minuten");
  });

  it("German keys: copy button and labels", async () => {
    await mount("OrderStatus", [delivered], { language: "de" });
    expect(prop($("s-banner"), "heading")).toBe("Ihre Schlüssel sind da");
    expect($$("s-button").map(text)).toEqual(["Kopieren", "Kopieren"]);
    expect(prop($("s-image"), "alt")).toBe("Schlüssel 1 für Gift Card 25");
  });

  it("stays empty while the order is unknown, and appears when the app hears of it", async () => {
    const notFound: OrderKeysResponse = { status: "not_found", access: "denied", products: [] };
    const { sent } = await mount("ThankYou", [notFound, notFound, pending(1)]);
    expect(document.body.innerHTML).toBe("");
    await advance(2_000);
    expect(document.body.innerHTML).toBe("");
    await advance(2_000);
    expect(sent).toHaveLength(3);
    expect(prop($("s-banner"), "heading")).toBe("Your keys are on the way");
  });

  it("stays empty for an order without digital products and stops asking", async () => {
    const { sent } = await mount("ThankYou", [{ status: "not_digital", access: "denied", products: [] }]);
    await advance(10 * 60_000);
    expect(document.body.innerHTML).toBe("");
    expect(sent).toHaveLength(1);
  });

  it("Order status page: shows a partial delivery honestly, with what is still missing", async () => {
    const partial: OrderKeysResponse = {
      status: "partial",
      access: "granted",
      products: [
        {
          title: "Space Game",
          ordered: 3,
          missing: 2,
          keys: [{ id: "k1", type: "text", value: "ONLY-ONE" }],
        },
      ],
    };
    const { sent } = await mount("OrderStatus", [partial]);
    expect(sent[0]).toMatchObject({
      url: `${APP_URL}/api/customer/order-keys?surface=customer-account`,
      body: { orderId: "gid://shopify/Order/1001", checkoutToken: "checkout-token-1" },
    });
    expect(prop($("s-banner"), "heading")).toBe("Some of your keys are ready");
    expect(prop($("s-banner"), "tone")).toBe("warning");
    expect(text(document.body)).toContain("ONLY-ONE");
    expect(text(document.body)).toContain("2 of 3 still to come");
  });

  it("gives failed and refunded orders an honest message and no keys", async () => {
    await mount("OrderStatus", [{ status: "failed", access: "granted", products: [] }]);
    expect(prop($("s-banner"), "heading")).toBe("We couldn't deliver your keys");
    expect(prop($("s-banner"), "tone")).toBe("critical");
    expect(text($("s-banner"))).toContain("replacement or a refund");
    expect($("s-clipboard-item")).toBeNull();

    vi.resetModules();
    await act(async () => (await import("preact")).render(null, document.body));
    await mount("OrderStatus", [{ status: "refunded", access: "granted", products: [] }]);
    expect(prop($("s-banner"), "heading")).toBe("Your keys won't be delivered");
  });

  it("offers a buyer who is not logged in to log in, without showing keys", async () => {
    const { requireLogin } = await mount(
      "OrderStatus",
      [{ status: "delivered", access: "denied", products: [] }],
      { authenticationState: "pre_authenticated" },
    );
    expect(prop($("s-banner"), "heading")).toBe("Your keys have been delivered");
    const login = $("s-button");
    expect(text(login)).toBe("Log in to see your keys");
    expect($("s-clipboard-item")).toBeNull();
    await act(() => {
      login!.dispatchEvent(new Event("click"));
    });
    expect(requireLogin.calls).toBe(1);
  });

  it("keeps what it showed when the backend is unreachable, says so after a few tries, and backs off", async () => {
    const down = new TypeError("Failed to fetch");
    const { sent } = await mount("ThankYou", [pending(5), down]);
    await advance(2_000); // failure 1
    await advance(5_000); // failure 2
    expect(sent).toHaveLength(3);
    expect(prop($("s-banner"), "heading")).toBe("Your keys are on the way");
    expect(text(document.body)).not.toContain("can't check on your keys");
    await advance(9_999);
    expect(sent).toHaveLength(3);
    await advance(1); // failure 3, after 10 s
    expect(sent).toHaveLength(4);
    expect(text(document.body)).toContain("We can't check on your keys right now");
  });
});

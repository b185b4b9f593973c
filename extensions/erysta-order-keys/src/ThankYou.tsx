// purchase.thank-you.block.render: the keys right after checkout, while the buyer is still there.
import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { appUrl } from "./config";
import type { Host } from "./host";
import { OrderKeys } from "./OrderKeys";

export default async () => {
  const host: Host = {
    surface: "checkout",
    appUrl: appUrl(),
    orderId: () => shopify.orderConfirmation.value?.order?.id,
    checkoutToken: () => shopify.checkoutToken.value ?? undefined,
    sessionToken: () => shopify.sessionToken.get(),
    translate: (key, replacements) => shopify.i18n.translate(key, replacements),
    // The Thank you page has no login; a guest is proven by the checkout token.
    canLogIn: () => false,
  };
  render(<OrderKeys host={host} />, document.body);
};

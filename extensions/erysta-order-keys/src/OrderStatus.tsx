// customer-account.order-status.block.render: the keys on the Order status page, where customers come
// back (from the order confirmation email, their account, or a refresh of the Thank you page).
import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { appUrl } from "./config";
import type { Host } from "./host";
import { OrderKeys } from "./OrderKeys";

export default async () => {
  const host: Host = {
    surface: "customer-account",
    appUrl: appUrl(),
    orderId: () => shopify.order.value?.id,
    checkoutToken: () => shopify.checkoutToken.value ?? undefined,
    sessionToken: () => shopify.sessionToken.get(),
    translate: (key, replacements) => shopify.i18n.translate(key, replacements),
    // Reached through a link without logging in: Shopify shows the order, the keys need a login
    // unless the checkout token proves the buyer.
    canLogIn: () => shopify.authenticationState.value === "pre_authenticated",
    requireLogin: () => shopify.requireLogin(),
  };
  render(<OrderKeys host={host} />, document.body);
};

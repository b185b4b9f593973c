// The Shopify Admin simulator for tests: start it in-process, drive it with its typed control client.
export * from "../../simulators/shopify";

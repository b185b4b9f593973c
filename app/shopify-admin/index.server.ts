// The Shopify Admin API surface of the app: the gateway and one function per operation.
export { ADMIN_API_VERSION } from "./api-version";
export * from "./errors";
export { deliveryMetafield, APP_NAMESPACE } from "./metafields";
export { adminEndpoint, createAdminGateway, createAdminGatewayForSession } from "./gateway.server";
export type { AdminGateway, AdminGatewayOptions } from "./gateway.server";
export { resetThrottleBudgets, ThrottleBudget } from "./throttle";
export * from "./types";
export { getOrderForFulfillment } from "./get-order-for-fulfillment.server";
export { getOrderRisk } from "./get-order-risk.server";
export type {
  OrderForFulfillment,
  OrderLineItem,
  FulfillmentOrderSummary,
  FulfillmentOrderLine,
} from "./get-order-for-fulfillment.server";
export { setOrderMetafield } from "./set-order-metafield.server";
export type { OrderMetafield, SetOrderMetafieldInput } from "./set-order-metafield.server";
export { addOrderTags } from "./add-order-tags.server";
export { removeOrderTags } from "./remove-order-tags.server";
export { createFulfillment, planFulfillment, isAlreadyFulfilledError } from "./create-fulfillment.server";
export type {
  CreateFulfillmentInput,
  CreateFulfillmentResult,
  FulfillmentOrderLineItemsInput,
} from "./create-fulfillment.server";
export { suggestRefund, refundInputFromSuggestion } from "./suggest-refund.server";
export type { RefundSuggestion, RefundLineInput } from "./suggest-refund.server";
export { createRefund } from "./create-refund.server";
export type { CreateRefundInput, CreatedRefund } from "./create-refund.server";
export { listVariants, MAX_VARIANTS_PAGE_SIZE } from "./list-variants.server";
export type { ListVariantsInput, VariantPage, VariantSummary } from "./list-variants.server";
export { getShop } from "./get-shop.server";
export type { ShopInfo } from "./get-shop.server";

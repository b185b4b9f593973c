// The shop's name, contact email, permanent domain and currency.
import type { AdminGateway } from "./gateway.server";

export const SHOP_QUERY = /* GraphQL */ `
  query ShopInfo {
    shop {
      id
      name
      email
      myshopifyDomain
      currencyCode
    }
  }
`;

export interface ShopInfo {
  id: string;
  name: string;
  email: string;
  myshopifyDomain: string;
  currencyCode: string;
}

export async function getShop(gateway: AdminGateway): Promise<ShopInfo> {
  const data = await gateway.request<{ shop: ShopInfo }>(SHOP_QUERY);
  return data.shop;
}

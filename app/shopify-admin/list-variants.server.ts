// One page of the shop's product variants, for mapping variants to Erysta products. In 2026-07
// `requiresShipping` lives on the variant's inventory item; the image is the product's featured media.
import type { AdminGateway } from "./gateway.server";
import type { PageInfo } from "./types";

export const LIST_VARIANTS_QUERY = /* GraphQL */ `
  query ListVariants($first: Int!, $after: String, $query: String) {
    productVariants(first: $first, after: $after, query: $query) {
      nodes {
        id
        title
        displayName
        sku
        price
        inventoryItem {
          requiresShipping
        }
        product {
          id
          title
          featuredMedia {
            preview {
              image {
                url
              }
            }
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

/** Requested cost is ~6 points per variant: 100 a page keeps a page near 600 points. */
export const MAX_VARIANTS_PAGE_SIZE = 100;

export interface ListVariantsInput {
  /** Page size, 1..100 (default 50). */
  first?: number;
  after?: string | null;
  /** Shopify search syntax, e.g. "sku:ABC-1" or "gift card". */
  query?: string | null;
}

export interface VariantSummary {
  id: string;
  productId: string;
  productTitle: string;
  title: string;
  displayName: string;
  sku: string | null;
  /** Decimal string in the shop currency. */
  price: string;
  requiresShipping: boolean;
  imageUrl: string | null;
}

export interface VariantPage {
  variants: VariantSummary[];
  pageInfo: PageInfo;
}

interface Payload {
  productVariants: {
    nodes: {
      id: string;
      title: string;
      displayName: string;
      sku: string | null;
      price: string;
      inventoryItem: { requiresShipping: boolean };
      product: {
        id: string;
        title: string;
        featuredMedia: { preview: { image: { url: string } | null } | null } | null;
      };
    }[];
    pageInfo: PageInfo;
  };
}

export async function listVariants(
  gateway: AdminGateway,
  input: ListVariantsInput = {},
): Promise<VariantPage> {
  const first = Math.min(Math.max(1, Math.trunc(input.first ?? 50)), MAX_VARIANTS_PAGE_SIZE);
  const data = await gateway.request<Payload>(LIST_VARIANTS_QUERY, {
    first,
    after: input.after ?? null,
    query: input.query ?? null,
  });
  return {
    variants: data.productVariants.nodes.map((v) => ({
      id: v.id,
      productId: v.product.id,
      productTitle: v.product.title,
      title: v.title,
      displayName: v.displayName,
      sku: v.sku,
      price: v.price,
      requiresShipping: v.inventoryItem.requiresShipping,
      imageUrl: v.product.featuredMedia?.preview?.image?.url ?? null,
    })),
    pageInfo: data.productVariants.pageInfo,
  };
}

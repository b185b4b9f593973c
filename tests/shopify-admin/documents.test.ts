// Every GraphQL document the app sends to Shopify is checked against Shopify's real 2026-07 Admin schema,
// so a misspelt field or a wrong argument fails the suite instead of production.
import { describe, expect, it } from "vitest";
import {
  Kind,
  NoDeprecatedCustomRule,
  parse,
  specifiedRules,
  validate,
  type OperationDefinitionNode,
} from "graphql";
import { ADMIN_API_VERSION } from "../../app/shopify-admin/api-version";
import { loadAdminSchema } from "../support/shopify-sim";

const modules = import.meta.glob<Record<string, unknown>>("../../app/shopify-admin/**/*.ts", { eager: true });

/** Every exported constant named *_QUERY or *_MUTATION in app/shopify-admin/. */
const documents = Object.entries(modules).flatMap(([file, exports]) =>
  Object.entries(exports)
    .filter(([name]) => /_(QUERY|MUTATION)$/.test(name))
    .map(([name, value]) => ({ file: file.replace("../../", ""), name, value })),
);

describe("Admin API documents of app/shopify-admin", () => {
  const { schema, loadMs } = loadAdminSchema(ADMIN_API_VERSION);

  it("finds every operation's document", () => {
    const names = documents.map((d) => d.name).sort();
    expect(names).toEqual(
      expect.arrayContaining([
        "ADD_ORDER_TAGS_MUTATION",
        "CREATE_FULFILLMENT_MUTATION",
        "CREATE_REFUND_MUTATION",
        "FULFILLMENT_ORDER_LINE_ITEMS_PAGE_QUERY",
        "LIST_VARIANTS_QUERY",
        "ORDER_FOR_FULFILLMENT_QUERY",
        "ORDER_FULFILLMENT_ORDERS_PAGE_QUERY",
        "ORDER_LINE_ITEMS_PAGE_QUERY",
        "REMOVE_ORDER_TAGS_MUTATION",
        "SET_ORDER_METAFIELD_MUTATION",
        "SHOP_QUERY",
        "SUGGEST_REFUND_QUERY",
      ]),
    );
    expect(loadMs).toBeLessThan(10_000);
  });

  it.each(documents.map((d) => [`${d.name} (${d.file})`, d] as const))(
    "%s is valid against the real %s schema and uses no deprecated field",
    (_label, document) => {
      expect(typeof document.value).toBe("string");
      const ast = parse(document.value as string);
      const operations = ast.definitions.filter(
        (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
      );
      expect(operations).toHaveLength(1);
      expect(
        operations[0]!.name?.value,
        "operations are named, for logs and the simulator's request log",
      ).toBeTruthy();
      const errors = validate(schema, ast, [...specifiedRules, NoDeprecatedCustomRule]).map((e) => e.message);
      expect(errors).toEqual([]);
    },
  );

  it("would catch a wrong field (the check itself works)", () => {
    const errors = validate(
      schema,
      parse('query Broken { order(id: "gid://shopify/Order/1") { id riskLevelz } }'),
    );
    expect(errors.map((e) => e.message)).toEqual([
      expect.stringContaining('Cannot query field "riskLevelz" on type "Order"'),
    ]);
  });
});

// Query cost as Shopify computes it (https://shopify.dev/docs/api/usage/limits#cost-calculation):
// scalars and enums 0, objects 1, connections 2 + size × the cost of one node, mutations 10.
// `requestedCost` sizes connections by their first/last argument (what Shopify admits a query on);
// `actualCost` sizes them by what was returned (what Shopify finally charges).
import {
  getNamedType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  valueFromASTUntyped,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";

export const MUTATION_COST = 10;
export const MAX_SINGLE_QUERY_COST = 1000;

interface CostContext {
  schema: GraphQLSchema;
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

/** Fields of a selection set with fragments flattened (type conditions are not narrowed: an over-estimate). */
function collectFields(
  ctx: CostContext,
  selectionSet: SelectionSetNode,
  out: FieldNode[] = [],
  seen = new Set<string>(),
): FieldNode[] {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) out.push(selection);
    else if (selection.kind === Kind.INLINE_FRAGMENT) collectFields(ctx, selection.selectionSet, out, seen);
    else if (selection.kind === Kind.FRAGMENT_SPREAD) {
      const name = selection.name.value;
      const fragment = ctx.fragments[name];
      if (fragment && !seen.has(name)) {
        seen.add(name);
        collectFields(ctx, fragment.selectionSet, out, seen);
        seen.delete(name);
      }
    }
  }
  return out;
}

function fieldDef(
  schema: GraphQLSchema,
  parent: GraphQLCompositeType,
  name: string,
): GraphQLField<unknown, unknown> | undefined {
  if (name.startsWith("__")) return undefined;
  if ("getFields" in parent) return parent.getFields()[name];
  return undefined;
}

function isConnection(type: GraphQLNamedType): boolean {
  return isObjectType(type) && type.name.endsWith("Connection") && "pageInfo" in type.getFields();
}

function argumentValue(ctx: CostContext, field: FieldNode, name: string): unknown {
  const arg = field.arguments?.find((a) => a.name.value === name);
  if (!arg) return undefined;
  return valueFromASTUntyped(arg.value, ctx.variables);
}

function connectionSize(ctx: CostContext, field: FieldNode): number {
  const first = argumentValue(ctx, field, "first");
  const last = argumentValue(ctx, field, "last");
  const size = typeof first === "number" ? first : typeof last === "number" ? last : 0;
  return Math.max(0, size);
}

/** The node selections of a connection field: `nodes { … }` and `edges { node { … } }` merged. */
function nodeSelections(ctx: CostContext, connectionField: FieldNode): FieldNode[] {
  const result: FieldNode[] = [];
  if (!connectionField.selectionSet) return result;
  for (const f of collectFields(ctx, connectionField.selectionSet)) {
    if (f.name.value === "nodes") result.push(f);
    if (f.name.value === "edges" && f.selectionSet) {
      for (const e of collectFields(ctx, f.selectionSet)) if (e.name.value === "node") result.push(e);
    }
  }
  return result;
}

function unwrapList(type: GraphQLOutputType): boolean {
  let t = type;
  if (isNonNullType(t)) t = t.ofType;
  return isListType(t);
}

function selectionCost(
  ctx: CostContext,
  parent: GraphQLCompositeType,
  selectionSet: SelectionSetNode,
  data: unknown,
  actual: boolean,
): number {
  let total = 0;
  for (const field of collectFields(ctx, selectionSet)) {
    const def = fieldDef(ctx.schema, parent, field.name.value);
    if (!def) continue;
    const named = getNamedType(def.type);
    if (isLeafType(named)) continue;
    const key = field.alias?.value ?? field.name.value;
    const value = actual ? (data as Record<string, unknown> | null | undefined)?.[key] : undefined;
    if (actual && (value === undefined || value === null)) continue;
    total += fieldCost(ctx, field, def, named as GraphQLCompositeType, value, actual);
  }
  return total;
}

function fieldCost(
  ctx: CostContext,
  field: FieldNode,
  def: GraphQLField<unknown, unknown>,
  named: GraphQLCompositeType,
  value: unknown,
  actual: boolean,
): number {
  if (isConnection(named)) {
    const nodeType = getNamedType(
      (named as { getFields(): Record<string, GraphQLField<unknown, unknown>> }).getFields()["nodes"]!.type,
    ) as GraphQLCompositeType;
    const selections = nodeSelections(ctx, field);
    const perNode = (node: unknown) =>
      1 +
      selections.reduce(
        (sum, s) => sum + (s.selectionSet ? selectionCost(ctx, nodeType, s.selectionSet, node, actual) : 0),
        0,
      );
    if (!actual) return 2 + connectionSize(ctx, field) * perNode(undefined);
    const v = value as { nodes?: unknown[]; edges?: { node?: unknown }[] };
    const nodes = v.nodes ?? v.edges?.map((e) => e.node) ?? [];
    return 2 + nodes.reduce<number>((sum, n) => sum + perNode(n), 0);
  }
  const one = (item: unknown) =>
    1 + (field.selectionSet ? selectionCost(ctx, named, field.selectionSet, item, actual) : 0);
  if (unwrapList(def.type)) {
    if (!actual) return one(undefined);
    return (Array.isArray(value) ? value : []).reduce<number>(
      (sum, item) => sum + (item == null ? 0 : one(item)),
      0,
    );
  }
  return one(value);
}

export interface CostInput {
  schema: GraphQLSchema;
  operation: OperationDefinitionNode;
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

/** The cost Shopify admits a query on, from its arguments alone. */
export function requestedCost(input: CostInput): number {
  const ctx: CostContext = { schema: input.schema, fragments: input.fragments, variables: input.variables };
  if (input.operation.operation === "mutation") {
    return (
      collectFields(ctx, input.operation.selectionSet).filter((f) => !f.name.value.startsWith("__")).length *
      MUTATION_COST
    );
  }
  const root = input.schema.getQueryType();
  if (!root) return 0;
  return selectionCost(ctx, root, input.operation.selectionSet, undefined, false);
}

/** The cost of what was actually returned (never more than requested). */
export function actualCost(input: CostInput, data: unknown): number {
  const ctx: CostContext = { schema: input.schema, fragments: input.fragments, variables: input.variables };
  if (input.operation.operation === "mutation") return requestedCost(input);
  const root = input.schema.getQueryType();
  if (!root || data == null) return 0;
  return Math.min(requestedCost(input), selectionCost(ctx, root, input.operation.selectionSet, data, true));
}

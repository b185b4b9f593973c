// One Admin GraphQL request, answered as Shopify would: parse, validate against the real schema (errors in
// Shopify's shape), admit by query cost (throttling), execute over the store, report extensions.cost.
import {
  execute,
  Kind,
  parse,
  validate,
  visit,
  type ASTNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLError,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import { actualCost, MAX_SINGLE_QUERY_COST, requestedCost, type CostInput } from "./cost";
import { mutationRoot, queryRoot, simulatorFieldResolver, type ResolverContext } from "./resolvers";
import type { SimShop, SimStore } from "./store";

export interface ShopifyErrorEntry {
  message: string;
  locations?: { line: number; column: number }[];
  path?: (string | number)[];
  extensions?: Record<string, unknown>;
}

export interface CostExtension {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
}

export interface GraphQLResponseBody {
  data?: unknown;
  errors?: ShopifyErrorEntry[];
  extensions?: { cost: CostExtension };
}

export interface Bucket {
  /** Points available now, after restoring; spends or refunds points. */
  available(): number;
  spend(points: number): void;
  status(): CostExtension["throttleStatus"];
}

export interface GraphQLOutcome {
  body: GraphQLResponseBody;
  operationName: string | null;
  operationType: string | null;
  rootFields: string[];
  valid: boolean;
  throttled: boolean;
  requestedQueryCost: number | null;
  actualQueryCost: number | null;
  idempotencyKey: string | null;
}

export interface RunGraphQLInput {
  schema: GraphQLSchema;
  store: SimStore;
  shop: SimShop;
  bucket: Bucket;
  query: string;
  variables: Record<string, unknown>;
  operationName?: string | null;
  /** Answer THROTTLED regardless of the bucket, reporting this many available points. */
  forceThrottle?: { reportedAvailable: number };
}

const documentCache = new Map<string, { document: DocumentNode; errors: readonly GraphQLError[] }>();

/** Parsed and validated documents, cached by text: the app sends the same few documents over and over. */
function parseAndValidate(
  schema: GraphQLSchema,
  query: string,
): { document: DocumentNode } | { errors: ShopifyErrorEntry[] } {
  let cached = documentCache.get(query);
  if (!cached) {
    let document: DocumentNode;
    try {
      document = parse(query);
    } catch (error) {
      const e = error as GraphQLError;
      return {
        errors: [
          {
            message: e.message,
            locations: e.locations ? [...e.locations] : undefined,
            extensions: { code: "PARSE_ERROR" },
          },
        ],
      };
    }
    cached = { document, errors: validate(schema, document) };
    if (documentCache.size > 500) documentCache.clear();
    documentCache.set(query, cached);
  }
  const { document, errors } = cached;
  if (errors.length) return { errors: errors.map((e) => shopifyValidationError(e, document)) };
  return { document };
}

/** A graphql-js validation error, reworded and coded the way Shopify's GraphQL server words it. */
function shopifyValidationError(error: GraphQLError, document: DocumentNode): ShopifyErrorEntry {
  const node = error.nodes?.[0];
  const entry: ShopifyErrorEntry = {
    message: error.message,
    locations: error.locations ? [...error.locations] : undefined,
    path: node ? astPath(document, node) : undefined,
    extensions: { code: "validationError" },
  };
  let m: RegExpExecArray | null;
  if ((m = /^Cannot query field "(\w+)" on type "(\w+)"\./.exec(error.message))) {
    entry.message = `Field '${m[1]}' doesn't exist on type '${m[2]}'`;
    entry.extensions = { code: "undefinedField", typeName: m[2], fieldName: m[1] };
  } else if ((m = /^Unknown argument "(\w+)" on field "(\w+)\.(\w+)"\./.exec(error.message))) {
    entry.message = `Field '${m[3]}' doesn't accept argument '${m[1]}'`;
    entry.extensions = { code: "argumentNotAccepted", name: m[3], typeName: "Field", argumentName: m[1] };
  } else if (
    (m = /^Field "(\w+)" argument "(\w+)" of type "(.+)" is required, but it was not provided\./.exec(
      error.message,
    ))
  ) {
    entry.message = `Field '${m[1]}' is missing required arguments: ${m[2]}`;
    entry.extensions = { code: "missingRequiredArguments", className: "Field", name: m[1], arguments: m[2] };
  } else if ((m = /^Unknown type "(\w+)"\./.exec(error.message))) {
    entry.message = `No such type ${m[1]}, so it can't be a fragment condition`;
    entry.extensions = { code: "undefinedType", typeName: m[1] };
  } else if ((m = /^Variable "\$(\w+)" is never used/.exec(error.message))) {
    entry.extensions = { code: "variableNotUsed", variableName: m[1] };
  } else if ((m = /^Variable "\$(\w+)" is not defined/.exec(error.message))) {
    entry.extensions = { code: "undefinedVariable", variableName: m[1] };
  } else if (/^Unknown directive/.test(error.message)) {
    entry.extensions = { code: "undefinedDirective" };
  }
  return entry;
}

/** Shopify-style path of an AST node: ["query Name", "order", "lineItems", "foo"]. */
function astPath(document: DocumentNode, target: ASTNode): string[] | undefined {
  let found: string[] | undefined;
  visit(document, {
    enter(node, _key, _parent, _path, ancestors) {
      if (node !== target) return undefined;
      const chain = [...(ancestors as (ASTNode | readonly ASTNode[])[]), node].filter(
        (a): a is ASTNode => !Array.isArray(a) && typeof (a as ASTNode).kind === "string",
      );
      found = chain.flatMap((a) => {
        if (a.kind === Kind.OPERATION_DEFINITION)
          return [`${a.operation}${a.name ? ` ${a.name.value}` : ""}`];
        if (a.kind === Kind.FRAGMENT_DEFINITION) return [`fragment ${a.name.value}`];
        if (a.kind === Kind.INLINE_FRAGMENT) return [`... on ${a.typeCondition?.name.value ?? ""}`];
        if (a.kind === Kind.FIELD) return [a.alias?.value ?? a.name.value];
        return [];
      });
      return false;
    },
  });
  return found;
}

function rootFieldNodes(
  selectionSet: SelectionSetNode,
  fragments: Record<string, FragmentDefinitionNode>,
  out: FieldNode[] = [],
): FieldNode[] {
  for (const s of selectionSet.selections) {
    if (s.kind === Kind.FIELD) out.push(s);
    else if (s.kind === Kind.INLINE_FRAGMENT) rootFieldNodes(s.selectionSet, fragments, out);
    else {
      const fragment = fragments[s.name.value];
      if (fragment) rootFieldNodes(fragment.selectionSet, fragments, out);
    }
  }
  return out;
}

function costExtension(
  requested: number,
  actual: number | null,
  bucket: Bucket,
  reportedAvailable?: number,
): { cost: CostExtension } {
  const status = bucket.status();
  return {
    cost: {
      requestedQueryCost: requested,
      actualQueryCost: actual,
      throttleStatus: {
        ...status,
        currentlyAvailable: reportedAvailable ?? status.currentlyAvailable,
      },
    },
  };
}

export function runGraphQL(input: RunGraphQLInput): GraphQLOutcome {
  const outcome: GraphQLOutcome = {
    body: {},
    operationName: input.operationName ?? null,
    operationType: null,
    rootFields: [],
    valid: false,
    throttled: false,
    requestedQueryCost: null,
    actualQueryCost: null,
    idempotencyKey: null,
  };

  const parsed = parseAndValidate(input.schema, input.query);
  if ("errors" in parsed) {
    outcome.body = { errors: parsed.errors };
    return outcome;
  }
  const { document } = parsed;
  const fragments: Record<string, FragmentDefinitionNode> = {};
  const operations: OperationDefinitionNode[] = [];
  for (const d of document.definitions) {
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
    if (d.kind === Kind.OPERATION_DEFINITION) operations.push(d);
  }
  const operation = input.operationName
    ? operations.find((o) => o.name?.value === input.operationName)
    : operations.length === 1
      ? operations[0]
      : undefined;
  if (!operation) {
    const message = input.operationName
      ? `No operation named "${input.operationName}"`
      : "An operation name is required when the document contains several operations";
    outcome.body = { errors: [{ message, extensions: { code: "validationError" } }] };
    return outcome;
  }
  outcome.valid = true;
  outcome.operationName = operation.name?.value ?? null;
  outcome.operationType = operation.operation;
  const fields = rootFieldNodes(operation.selectionSet, fragments);
  outcome.rootFields = fields.map((f) => f.name.value);

  if (operation.operation === "subscription") {
    outcome.body = {
      errors: [
        {
          message: "simulator does not implement subscriptions",
          extensions: { code: "SIMULATOR_NOT_IMPLEMENTED" },
        },
      ],
    };
    return outcome;
  }
  const context: ResolverContext = { store: input.store, shop: input.shop, schema: input.schema };
  const root = operation.operation === "mutation" ? mutationRoot(context) : queryRoot(context);
  const rootTypeName = operation.operation === "mutation" ? "Mutation" : "QueryRoot";
  const missing = fields.filter((f) => !f.name.value.startsWith("__") && !(f.name.value in root));
  if (missing.length) {
    outcome.body = {
      errors: missing.map((f) => ({
        message: `simulator does not implement ${rootTypeName}.${f.name.value}`,
        locations: f.loc ? [{ line: f.loc.startToken.line, column: f.loc.startToken.column }] : undefined,
        path: [f.alias?.value ?? f.name.value],
        extensions: { code: "SIMULATOR_NOT_IMPLEMENTED" },
      })),
    };
    return outcome;
  }

  const costInput: CostInput = { schema: input.schema, operation, fragments, variables: input.variables };
  const requested = requestedCost(costInput);
  outcome.requestedQueryCost = requested;
  if (requested > MAX_SINGLE_QUERY_COST) {
    outcome.body = {
      errors: [
        {
          message:
            `Query cost is ${requested}, which exceeds the single query max cost limit (${MAX_SINGLE_QUERY_COST}).\n\n` +
            "See https://shopify.dev/concepts/about-apis/rate-limits for more information on how the\n" +
            "cost of a query is calculated.\n\n" +
            "To query larger amounts of data with fewer limits, bulk operations should be used instead.\n" +
            "See https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage details.\n",
          extensions: { code: "MAX_COST_EXCEEDED", cost: requested, maxCost: MAX_SINGLE_QUERY_COST },
        },
      ],
      extensions: costExtension(requested, null, input.bucket),
    };
    return outcome;
  }

  if (input.forceThrottle || requested > input.bucket.available()) {
    outcome.throttled = true;
    outcome.body = {
      errors: [
        {
          message: "Throttled",
          extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" },
        },
      ],
      extensions: costExtension(requested, null, input.bucket, input.forceThrottle?.reportedAvailable),
    };
    return outcome;
  }

  input.bucket.spend(requested);
  const result = execute({
    schema: input.schema,
    document,
    operationName: operation.name?.value,
    rootValue: root,
    contextValue: context,
    variableValues: input.variables,
    fieldResolver: simulatorFieldResolver,
  });
  if ("then" in result) throw new Error("simulator resolvers must be synchronous");
  const actual = result.data ? actualCost(costInput, result.data) : 0;
  input.bucket.spend(actual - requested);
  outcome.actualQueryCost = actual;
  outcome.idempotencyKey = context.idempotencyKey ?? null;
  outcome.body = {
    ...(result.errors?.length
      ? {
          errors: result.errors.map((e) => ({
            message: e.message,
            locations: e.locations ? [...e.locations] : undefined,
            path: e.path ? [...e.path] : undefined,
            // Variable coercion errors have no path; Shopify calls them INVALID_VARIABLE.
            extensions: { code: e.path ? "BAD_REQUEST" : "INVALID_VARIABLE", ...e.extensions },
          })),
        }
      : {}),
    data: result.data ?? null,
    extensions: costExtension(requested, actual, input.bucket),
  };
  return outcome;
}

// Everything tests, the demo and the benchmark need from the Erysta simulator.
export { startErystaSimulator, type ErystaSimulator, type ErystaSimulatorOptions } from "./server";
export {
  createErystaSimulatorControl,
  type ErystaSimulatorControl,
  type CallReport,
  type SimulatorState,
} from "./control-client";
export {
  DEMO_PRODUCTS,
  DELIVERY_PROFILES,
  demoCatalog,
  type DeliveryProfile,
  type DemoProductName,
  type KeyFormat,
  type SimProduct,
} from "./catalog";
export {
  maxCallsInSlidingWindow,
  callsPerWindow,
  type CallLogEntry,
  type FaultKind,
  type FaultRule,
  type FaultRuleInput,
  type LedgerEntry,
  type SimAccount,
  type SimAccountInput,
  type SimEndpoint,
  type SimOrderView,
} from "./engine";

// Public entry: Routing before delivery: which recipient gets which event and fields, and what it then holds.
export { projectForRecipient, routeFor, ROUTING_CATALOG } from './routing-catalog';
export type { Route } from './routing-catalog';
export { deliveriesOf, holdingsAfter } from './delivery-routing';
export type { Delivery, Holding, RoutingTopology } from './delivery-routing';
export { stateChangesOf } from './recipient-state';

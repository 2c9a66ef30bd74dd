// Public entry: The router's side: admission, recipient state, delivered versions, delivery keys, holdings.
export { deliveredVersionsMigrations } from './routing/delivered-versions';
export { deliveryKeysMigrations } from './routing/delivery-keys';
export { DeliveryRoutingModule } from './routing/delivery-routing.module';
export { RecipientState, recipientStateMigrations } from './routing/recipient-state';
export { routerAdmission } from './routing/router-admission';
export { subjectHoldingsMigrations } from './routing/subject-holdings';

// Public entry: Plausibility of a person and of an event before a register accepts it.
export { eventPlausibilityViolations } from './plausibility/event-plausibility';
export { birthPlausibilityViolations, residencePlausibilityViolations } from './plausibility/person-plausibility';

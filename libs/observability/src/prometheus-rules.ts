// Public entry: Reading Prometheus text and alert rules.
export { parsePrometheusText, sumSamples } from './prometheus-text';
export type { PrometheusSample } from './prometheus-text';
export { plainRulesOf } from './alert-rules';

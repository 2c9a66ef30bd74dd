/**
 * The rule groups of the PrometheusRule manifest (deploy/prometheus/alerts.yaml) as a plain Prometheus rules file: its
 * `spec`, one level less indented. Used by promtool's tests and by the local Prometheus of `npm start -- --monitoring`.
 */
export function plainRulesOf(manifest: string): string {
  const lines = manifest.split('\n');
  const spec = lines.findIndex((line) => line === 'spec:');
  if (spec === -1) throw new Error('alert rules: no top-level spec: in the PrometheusRule manifest');
  return lines
    .slice(spec + 1)
    .map((line) => line.replace(/^ {2}/, ''))
    .join('\n');
}

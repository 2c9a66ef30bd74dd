import { parsePrometheusText, sumSamples } from './prometheus-text';

const exposition = [
  '# HELP regsync_events_applied_total Events processed by the inbox, by type and outcome',
  '# TYPE regsync_events_applied_total counter',
  'regsync_events_applied_total{event_type="MovedOut",outcome="applied",service="municipal-register"} 3',
  'regsync_events_applied_total{event_type="NameChanged",outcome="duplicate",service="municipal-register"} 1',
  'regsync_outbox_backlog{service="municipal-register"} 0',
  'regsync_handler_duration_seconds_bucket{le="+Inf",event_type="MovedOut"} 3',
  'weird_label{reason="say \\"no\\", twice"} 1.5e2',
].join('\n');

describe('parsePrometheusText', () => {
  it('reads names, labels and values, skipping comments', () => {
    const samples = parsePrometheusText(exposition);
    expect(samples).toHaveLength(5);
    expect(samples[0]).toEqual({ name: 'regsync_events_applied_total', labels: { event_type: 'MovedOut', outcome: 'applied', service: 'municipal-register' }, value: 3 });
    expect(samples[3].labels.le).toBe('+Inf');
    expect(samples[4]).toEqual({ name: 'weird_label', labels: { reason: 'say "no", twice' }, value: 150 });
  });

  it('sums a metric over the series matching the given labels', () => {
    const samples = parsePrometheusText(exposition);
    expect(sumSamples(samples, 'regsync_events_applied_total')).toBe(4);
    expect(sumSamples(samples, 'regsync_events_applied_total', { outcome: 'applied' })).toBe(3);
    expect(sumSamples(samples, 'not_there')).toBe(0);
  });
});

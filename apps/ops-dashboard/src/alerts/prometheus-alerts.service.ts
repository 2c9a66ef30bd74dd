import { z } from 'zod';

export interface AlertView {
  name: string;
  /** firing, or pending (its condition holds, its `for` has not passed yet) */
  state: 'firing' | 'pending';
  severity: string;
  /** When the condition started to hold. */
  activeAt: string | null;
  summary: string;
  description: string;
  /** The alert's labels but alertname and severity (service, instance, group, ...). */
  labels: Record<string, string>;
}

export interface AlertsView {
  /** False when the dashboard has no PROMETHEUS_URL. */
  configured: boolean;
  /** Why the alerts could not be read (Prometheus down or answering an error). */
  error?: string;
  alerts: AlertView[];
}

const alertsAnswer = z.object({
  status: z.literal('success'),
  data: z.object({
    alerts: z.array(
      z.object({
        labels: z.record(z.string(), z.string()),
        annotations: z.record(z.string(), z.string()).default({}),
        state: z.string(),
        activeAt: z.string().optional(),
      }),
    ),
  }),
});

const SEVERITY_ORDER = ['critical', 'warning'];
const rank = (alert: AlertView) => [alert.state === 'firing' ? 0 : 1, SEVERITY_ORDER.indexOf(alert.severity) === -1 ? SEVERITY_ORDER.length : SEVERITY_ORDER.indexOf(alert.severity)];

/** The alerts Prometheus evaluates (GET /api/v1/alerts): firing first, critical before warning. */
export class PrometheusAlerts {
  constructor(private readonly prometheusUrl: string | undefined) {}

  async current(): Promise<AlertsView> {
    if (!this.prometheusUrl) return { configured: false, alerts: [] };
    try {
      const response = await fetch(new URL('api/v1/alerts', this.prometheusUrl.replace(/\/?$/, '/')), { signal: AbortSignal.timeout(3_000) });
      if (!response.ok) throw new Error(`Prometheus answered HTTP ${response.status} on /api/v1/alerts`);
      const parsed = alertsAnswer.safeParse(await response.json());
      if (!parsed.success) throw new Error(`Prometheus' /api/v1/alerts answer not understood: ${parsed.error.issues[0]?.message}`);
      const alerts = parsed.data.data.alerts
        .filter((alert) => alert.state === 'firing' || alert.state === 'pending')
        .map(({ labels: { alertname, severity, ...labels }, annotations, state, activeAt }): AlertView => ({
          name: alertname ?? '?',
          state: state as AlertView['state'],
          severity: severity ?? '',
          activeAt: activeAt ?? null,
          summary: annotations.summary ?? '',
          description: annotations.description ?? '',
          labels,
        }));
      return { configured: true, alerts: alerts.sort((a, b) => rank(a)[0] - rank(b)[0] || rank(a)[1] - rank(b)[1] || a.name.localeCompare(b.name)) };
    } catch (error) {
      return { configured: true, error: `${this.prometheusUrl}: ${(error as Error).message}`, alerts: [] };
    }
  }
}

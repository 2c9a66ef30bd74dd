import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { plainRulesOf } from '@regsync/observability/prometheus-rules';
import { waitUntil } from './wait-until';

/** Debian's `prometheus` package (installed by tools/ensure-debian-tools.mjs). */
export const PROMETHEUS_PATH = process.env.PROMETHEUS_PATH ?? '/usr/bin/prometheus';
/** Where `npm start -- --monitoring` runs it; shifted by the stack's port offset. */
export const LOCAL_PROMETHEUS_PORT = 9090;

/** One process Prometheus scrapes: its /metrics (unauthenticated, counts only) and the labels `up` gets. */
export interface ScrapeTarget {
  /** e.g. `http://127.0.0.1:3301` */
  baseUrl: string;
  /** The labels each service puts on its own series (`service`, `instance`), so `up` matches them. */
  service: string;
  instance: string;
}

/**
 * A Prometheus configuration (JSON, which is YAML too) scraping every target in the job `regsync` (the name the
 * RegsyncScrapeDown alert selects). honor_labels keeps each service's own `instance` label (`03404000`), which the
 * alerts group by, instead of Prometheus' host:port.
 */
export function prometheusConfigOf(targets: readonly ScrapeTarget[], ruleFiles: readonly string[], intervalSeconds = 15): string {
  const interval = `${intervalSeconds}s`;
  return JSON.stringify(
    {
      global: { scrape_interval: interval, evaluation_interval: interval },
      rule_files: ruleFiles,
      scrape_configs: [
        {
          job_name: 'regsync',
          honor_labels: true,
          metrics_path: '/metrics',
          static_configs: targets.map((target) => {
            const url = new URL(target.baseUrl);
            return { targets: [url.host], labels: { service: target.service, instance: target.instance } };
          }),
        },
      ],
    },
    null,
    2,
  );
}

export interface LocalPrometheusOptions {
  port: number;
  /** Its TSDB and generated files (config, rules); kept between starts. */
  dataDir: string;
  targets: readonly ScrapeTarget[];
  /** deploy/prometheus/alerts.yaml (a PrometheusRule manifest); more plain rule files may follow. */
  alertsManifest: string;
  extraRuleFiles?: readonly string[];
  intervalSeconds?: number;
  onLine?: (line: string) => void;
}

/** Debian's Prometheus as a child process, with a generated scrape configuration and the shipped alert rules. */
export class LocalPrometheus {
  private child?: ChildProcess;
  private exited?: Promise<number | null>;

  constructor(private readonly options: LocalPrometheusOptions) {}

  get url(): string {
    return `http://127.0.0.1:${this.options.port}`;
  }

  async start(timeoutMs = 60_000): Promise<void> {
    const { dataDir } = this.options;
    mkdirSync(join(dataDir, 'data'), { recursive: true });
    const rules = join(dataDir, 'regsync.rules.yaml');
    writeFileSync(rules, plainRulesOf(readFileSync(this.options.alertsManifest, 'utf8')));
    const config = join(dataDir, 'prometheus.yml');
    writeFileSync(config, prometheusConfigOf(this.options.targets, [rules, ...(this.options.extraRuleFiles ?? [])], this.options.intervalSeconds));
    const child = spawn(PROMETHEUS_PATH, [`--config.file=${config}`, `--storage.tsdb.path=${join(dataDir, 'data')}`, '--storage.tsdb.retention.time=2d', `--web.listen-address=127.0.0.1:${this.options.port}`], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    const recent: string[] = [];
    const record = (line: string) => {
      recent.push(line);
      if (recent.length > 15) recent.shift();
      this.options.onLine?.(line);
    };
    createInterface({ input: child.stdout! }).on('line', record);
    createInterface({ input: child.stderr! }).on('line', record);
    try {
      await Promise.race([
        waitUntil(`${this.url}/-/ready answers`, async () => ((await fetch(`${this.url}/-/ready`)).ok ? true : undefined), timeoutMs),
        this.exited.then((code) => Promise.reject(new Error(`prometheus exited with code ${code}`))),
      ]);
    } catch (error) {
      await this.stop();
      throw new Error(`prometheus at ${this.url} not ready: ${(error as Error).message}; its last lines:\n${recent.join('\n')}`);
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(killer);
  }
}

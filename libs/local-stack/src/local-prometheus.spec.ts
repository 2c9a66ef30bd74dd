import { prometheusConfigOf } from './local-prometheus';

describe('prometheusConfigOf', () => {
  it("scrapes every target's /metrics in the job the RegsyncScrapeDown alert selects, keeping each service's own instance label", () => {
    const config = JSON.parse(
      prometheusConfigOf(
        [
          { baseUrl: 'http://127.0.0.1:3301', service: 'municipal-register', instance: '03404000' },
          { baseUrl: 'http://127.0.0.1:3010/', service: 'router', instance: 'main' },
        ],
        ['/tmp/regsync.rules.yaml'],
        5,
      ),
    );
    expect(config).toEqual({
      global: { scrape_interval: '5s', evaluation_interval: '5s' },
      rule_files: ['/tmp/regsync.rules.yaml'],
      scrape_configs: [
        {
          job_name: 'regsync',
          honor_labels: true,
          metrics_path: '/metrics',
          static_configs: [
            { targets: ['127.0.0.1:3301'], labels: { service: 'municipal-register', instance: '03404000' } },
            { targets: ['127.0.0.1:3010'], labels: { service: 'router', instance: 'main' } },
          ],
        },
      ],
    });
    expect(config.scrape_configs[0].job_name).toMatch(/regsync/);
  });
});

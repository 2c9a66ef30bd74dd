#!/usr/bin/env node
// `node tools/scale/germany-topology.mjs [--municipal-providers 4] [--state-providers 1] [--municipalities 10800]
// [--seed 14] [--out .cache/scale/germany-topology.json]`: writes the Germany-shaped topology (issue 14) that a future
// `npm run scale` starts: provider processes with the authorities each hosts. Kreis data: CC BY 4.0 © Destatis
// (landkreise-deutschland); the municipalities inside the Kreise are synthesised (libs/register-domain/src/germany).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireTypeScript } from '../infra/typescript-module.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const argv = process.argv.slice(2);
const option = (flag) => (argv.includes(flag) ? Number(argv[argv.indexOf(flag) + 1]) : undefined);
const out = argv.includes('--out') ? resolve(argv[argv.indexOf('--out') + 1]) : join(root, '.cache', 'scale', 'germany-topology.json');

const { scaleTopology } = requireTypeScript(join(root, 'libs', 'local-stack', 'src', 'scale-topology.ts'));
const { ROUTER_APP, ROUTER_INSTANCE_KEY, registerProcessTopics, topicSettingsOf } = requireTypeScript(join(root, 'libs', 'contracts', 'src', 'topic-catalog.ts'));
const chosen = { municipalProviders: option('--municipal-providers'), stateProviders: option('--state-providers'), municipalityCount: option('--municipalities'), seed: option('--seed') };
const topology = scaleTopology(Object.fromEntries(Object.entries(chosen).filter(([, value]) => value !== undefined)));
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(topology, null, 1)}\n`);
for (const provider of topology.providers) console.log(`${provider.id.padEnd(24)} ${provider.app.padEnd(20)} port ${provider.port}  ${String(provider.authorities.length).padStart(5)} authorities  ${provider.population.toLocaleString('en')} people`);
// What the layout costs the broker: each provider process has its own topics (libs/contracts/src/topic-catalog.ts),
// whatever the number of authorities it hosts; the router adds its group's. Topics per provider, not per authority.
const topics = [...topology.providers.flatMap((provider) => registerProcessTopics(provider.app, provider.id)), ...registerProcessTopics(ROUTER_APP, ROUTER_INSTANCE_KEY).filter(([, kind]) => kind !== 'delivery')];
const partitions = topics.reduce((sum, [, kind]) => sum + topicSettingsOf(kind, 3).partitions, 0);
const authorities = topology.providers.reduce((sum, provider) => sum + provider.authorities.length, 0);
console.log(`${topology.providers.length} provider processes for ${authorities.toLocaleString('en')} authorities: ${topics.length} topics, ${partitions} partitions, ${partitions * 3} replicas on three brokers`);
console.log(`written ${out}`);

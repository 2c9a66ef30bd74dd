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
const chosen = { municipalProviders: option('--municipal-providers'), stateProviders: option('--state-providers'), municipalityCount: option('--municipalities'), seed: option('--seed') };
const topology = scaleTopology(Object.fromEntries(Object.entries(chosen).filter(([, value]) => value !== undefined)));
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(topology, null, 1)}\n`);
for (const provider of topology.providers) console.log(`${provider.id.padEnd(24)} ${provider.app.padEnd(20)} port ${provider.port}  ${String(provider.authorities.length).padStart(5)} authorities  ${provider.population.toLocaleString('en')} people`);
console.log(`written ${out}`);

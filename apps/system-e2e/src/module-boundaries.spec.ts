import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// The layers of eslint.config.mjs hold: deliberately wrong imports in files of each kind fail `npm run lint`, the
// imports the layers allow pass. One ESLint run over probe files written into the projects (and removed again).
const workspaceRoot = join(__dirname, '..', '..', '..');
const probeName = `boundary-probe-${randomUUID()}`;

const probes = {
  domainImportsFramework: { dir: 'libs/register-domain/src', code: "import { Injectable } from '@nestjs/common';\nexport const x = Injectable;\n" },
  domainImportsAdapter: { dir: 'libs/register-domain/src', code: "import { Outbox } from '@regsync/messaging/register-messaging';\nexport const x = Outbox;\n" },
  appImportsApp: { dir: 'apps/router/src', code: "import { StateRegisterModule } from '@regsync/apps/state-register/src/state-register.module';\nexport const x = StateRegisterModule;\n" },
  libImportsApp: { dir: 'libs/messaging/src', code: "import { loadStateConfig } from '../../../apps/state-register/src/config';\nexport const x = loadStateConfig;\n" },
  contractImportsAdapter: { dir: 'libs/contracts/src', code: "import { kafkaClient } from '@regsync/messaging/broker';\nexport const x = kafkaClient;\n" },
  appImportsTooling: { dir: 'apps/router/src', code: "import { waitUntil } from '@regsync/local-stack/wait-until';\nexport const x = waitUntil;\n" },
  appTestImportsTooling: { dir: 'apps/router/test', code: "import { waitUntil } from '@regsync/local-stack/wait-until';\nexport const x = waitUntil;\n" },
  appImportsAdapter: { dir: 'apps/router/src', code: "import { Outbox } from '@regsync/messaging/register-messaging';\nexport const x = Outbox;\n" },
  adapterImportsNestInternals: { dir: 'libs/messaging/src', code: "import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';\nexport const x = ROUTE_ARGS_METADATA;\n" },
  domainImportsContract: { dir: 'libs/register-domain/src', code: "import type { Address } from '@regsync/contracts/generated/events';\nexport type X = Address;\n" },
  appImportsInternalModule: { dir: 'apps/router/src', code: "import { withSubjectVersion } from '@regsync/messaging/subject-version-slot';\nexport const x = withSubjectVersion;\n" },
  appImportsModuleBehindEntry: { dir: 'apps/router/src', code: "import { assertIdnr } from '@regsync/register-domain/idnr';\nexport const x = assertIdnr;\n" },
  appImportsEntry: { dir: 'apps/router/src', code: "import { assertIdnr } from '@regsync/register-domain/identifiers';\nexport const x = assertIdnr;\n" },
  appTestImportsInternalTestSupport: { dir: 'apps/router/test', code: "import { readTopic } from '@regsync/messaging-testing/read-topic';\nexport const x = readTopic;\n" },
  libTestImportsOwnInternal: { dir: 'libs/messaging/test', code: "import { withSubjectVersion } from '../src/subject-version-slot';\nexport const x = withSubjectVersion;\n" },
};
type Probe = keyof typeof probes;
const fileOf = (probe: Probe) => join(workspaceRoot, probes[probe].dir, `${probeName}-${probe}.ts`);

let boundaryErrors: Record<Probe, string[]>;

beforeAll(() => {
  const env = { ...process.env, NX_DAEMON: 'false' };
  // the rule reads Nx's cached project graph (tools/lint.mjs computes it the same way)
  expect(spawnSync('npx', ['nx', 'show', 'projects'], { cwd: workspaceRoot, env, encoding: 'utf8' }).status).toBe(0);
  const names = Object.keys(probes) as Probe[];
  try {
    for (const probe of names) writeFileSync(fileOf(probe), probes[probe].code);
    const eslint = spawnSync('npx', ['eslint', '--format', 'json', ...names.map(fileOf)], { cwd: workspaceRoot, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const results = JSON.parse(eslint.stdout) as { filePath: string; messages: { ruleId: string | null; message: string }[] }[];
    boundaryErrors = Object.fromEntries(
      names.map((probe) => [
        probe,
        (results.find((result) => result.filePath === fileOf(probe))?.messages ?? [])
          .filter((message) => message.ruleId === '@nx/enforce-module-boundaries' || message.ruleId === 'no-restricted-imports')
          .map((message) => message.message),
      ]),
    ) as Record<Probe, string[]>;
  } finally {
    for (const probe of names) rmSync(fileOf(probe), { force: true });
  }
}, 180_000);

describe('module boundaries', () => {
  it('keeps the register domain free of frameworks and of the adapters', () => {
    expect(boundaryErrors.domainImportsFramework).toEqual(['A project tagged with "type:domain" is not allowed to import "@nestjs/common"']);
    // reported as the layer it breaks, or as the cycle it closes (messaging depends on the domain)
    expect(boundaryErrors.domainImportsAdapter).toEqual([expect.stringMatching(/tagged with "type:domain", "type:contract"|Circular dependency between "register-domain" and "messaging"/)]);
  });

  it('lets no app import another app, and no lib an app', () => {
    expect(boundaryErrors.appImportsApp).toEqual(['Imports of apps are forbidden']);
    expect(boundaryErrors.libImportsApp).not.toEqual([]);
  });

  it('keeps the contracts below everything that uses them', () => {
    expect(boundaryErrors.contractImportsAdapter).not.toEqual([]);
  });

  it("keeps the local tooling out of an app, though not out of its tests", () => {
    expect(boundaryErrors.appImportsTooling).toEqual([expect.stringContaining('can only depend on libs tagged with')]);
    expect(boundaryErrors.appTestImportsTooling).toEqual([]);
  });

  it("keeps NestJS's internals out: its public entries only", () => {
    expect(boundaryErrors.adapterImportsNestInternals).toEqual([expect.stringContaining("NestJS internals: import from the package's public entry")]);
  });

  it("lets no other project import a lib's module that the lib's public-api.json does not list; the lib's own tests may", () => {
    const notPublic = (lib: string) => expect.stringContaining(`not a public module of libs/${lib}: import one that libs/${lib}/public-api.json lists`);
    expect(boundaryErrors.appImportsInternalModule).toEqual([notPublic('messaging')]);
    // a module of an area is reached through the area's entry (idnr.ts through identifiers.ts), never directly
    expect(boundaryErrors.appImportsModuleBehindEntry).toEqual([notPublic('register-domain')]);
    expect(boundaryErrors.appImportsEntry).toEqual([]);
    expect(boundaryErrors.appTestImportsInternalTestSupport).toEqual([notPublic('messaging')]);
    expect(boundaryErrors.libTestImportsOwnInternal).toEqual([]);
  });

  it('accepts the imports the layers allow', () => {
    expect(boundaryErrors.appImportsAdapter).toEqual([]);
    expect(boundaryErrors.domainImportsContract).toEqual([]);
  });
});

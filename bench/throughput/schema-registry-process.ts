import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { basicAuthUsersOf, newRegistryCredential, registryUrlWithCredential } from '@regsync/contracts/registry-protocol';

/**
 * The project's own schema registry, started from the same build as the bench (dist/apps/schema-registry) on its own
 * port and namespace, so a run never depends on, or disturbs, a registry someone else is running.
 */
export class SchemaRegistryProcess {
  private child?: ChildProcess;
  private readonly address: string;
  private readonly writer = newRegistryCredential();
  /** The registry's address with the writer credential made for this run (what services get as SCHEMA_REGISTRY_URL). */
  readonly url: string;

  constructor(
    private readonly port: number,
    private readonly databaseUrl: string,
    private readonly namespace: string,
  ) {
    this.address = `http://127.0.0.1:${port}`;
    this.url = registryUrlWithCredential(this.address, this.writer);
  }

  async start(timeoutMs = 60_000): Promise<void> {
    const script = join(__dirname, '..', '..', 'apps', 'schema-registry', 'src', 'main.js');
    this.child = spawn(process.execPath, [script], {
      env: { ...process.env, PORT: String(this.port), DATABASE_URL: this.databaseUrl, NAMESPACE: this.namespace, BASIC_AUTH_USERS: basicAuthUsersOf(this.writer) },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`schema registry exited with code ${this.child.exitCode}`);
      const ready = await fetch(`${this.address}/subjects`).then((response) => response.ok, () => false);
      if (ready) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`schema registry not ready at ${this.address} after ${timeoutMs / 1000}s`);
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

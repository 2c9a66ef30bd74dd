import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

/**
 * The project's own schema registry, started from the same build as the bench (dist/apps/schema-registry) on its own
 * port and namespace, so a run never depends on, or disturbs, a registry someone else is running.
 */
export class SchemaRegistryProcess {
  private child?: ChildProcess;
  readonly url: string;

  constructor(
    private readonly port: number,
    private readonly databaseUrl: string,
    private readonly namespace: string,
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  async start(timeoutMs = 60_000): Promise<void> {
    const script = join(__dirname, '..', '..', 'apps', 'schema-registry', 'src', 'main.js');
    this.child = spawn(process.execPath, [script], {
      env: { ...process.env, PORT: String(this.port), DATABASE_URL: this.databaseUrl, NAMESPACE: this.namespace },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`schema registry exited with code ${this.child.exitCode}`);
      const ready = await fetch(`${this.url}/subjects`).then((response) => response.ok, () => false);
      if (ready) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`schema registry not ready at ${this.url} after ${timeoutMs / 1000}s`);
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const DATA_DIR = '/tmp/regsync-faults-postgres';

/**
 * A PostgreSQL server of its own (initdb into /tmp, port 55432) for the restart and crash scenarios: restarting the shared
 * server would break everybody else's tests and services. Needs the server binaries (pg_ctl, initdb) locally.
 */
export class PrivatePostgres {
  readonly url: string;
  private readonly bin: string;

  constructor(readonly port = 55432) {
    this.url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    this.bin = PrivatePostgres.findBinaries() ?? '';
  }

  /** The folder with pg_ctl and initdb, or undefined when this machine has no PostgreSQL server installed. */
  static findBinaries(): string | undefined {
    const root = '/usr/lib/postgresql';
    if (!existsSync(root)) return undefined;
    const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
    return versions.map((version) => join(root, version, 'bin')).find((bin) => existsSync(join(bin, 'pg_ctl')) && existsSync(join(bin, 'initdb')));
  }

  async start(): Promise<void> {
    if (!this.bin) throw new Error('no PostgreSQL server binaries (pg_ctl, initdb) under /usr/lib/postgresql');
    if (!existsSync(join(DATA_DIR, 'PG_VERSION'))) {
      mkdirSync(DATA_DIR, { recursive: true });
      this.asPostgres('chown', [process.getuid?.() === 0 ? 'postgres' : String(process.getuid?.()), DATA_DIR], true);
      this.asPostgres(join(this.bin, 'initdb'), ['-D', DATA_DIR, '-U', 'postgres', '--auth=trust', '-E', 'UTF8']);
    }
    this.pgCtl(['start', '-w', '-o', this.serverOptions()]);
  }

  async restart(): Promise<void> {
    this.pgCtl(['restart', '-w', '-m', 'fast', '-o', this.serverOptions()]);
  }

  private serverOptions(): string {
    return `-p ${this.port} -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=200`;
  }

  /**
   * kill -9 of the postmaster: no shutdown checkpoint, its backends end when they notice, and the next start runs crash
   * recovery from the WAL. Starting is retried while the dead server's backends still hold its shared memory.
   */
  async crash(timeoutMs = 60_000): Promise<void> {
    const postmaster = Number(readFileSync(join(DATA_DIR, 'postmaster.pid'), 'utf8').split('\n')[0]);
    process.kill(postmaster, 'SIGKILL');
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      try {
        this.pgCtl(['start', '-w', '-o', this.serverOptions()]);
        return;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`PostgreSQL did not start again within ${timeoutMs / 1000} s after kill -9: ${(error as Error).message}`);
      }
    }
  }

  async stop(): Promise<void> {
    this.pgCtl(['stop', '-w', '-m', 'fast']);
  }

  private pgCtl(args: string[]): void {
    this.asPostgres(join(this.bin, 'pg_ctl'), ['-D', DATA_DIR, '-l', join(DATA_DIR, 'server.log'), ...args]);
  }

  /** The server refuses to run as root; as root, run its tools as the postgres user. */
  private asPostgres(command: string, args: string[], asCaller = false): void {
    const quoted = [command, ...args].map((part) => `'${part.replace(/'/g, `'\\''`)}'`).join(' ');
    if (asCaller || process.getuid?.() !== 0) execFileSync(command, args, { stdio: 'ignore' });
    else execFileSync('su', ['postgres', '-s', '/bin/sh', '-c', quoted], { stdio: 'ignore' });
  }
}

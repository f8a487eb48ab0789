import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';

/** Real server processes and CLI runs for the operations tests (backup, logs, PgBouncer). */

export const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });

export interface ServerProcess {
  proc: ChildProcess;
  base: string;
  output: () => string;
  stop(): Promise<void>;
}

/** Starts `src/server.ts` with env (PORT chosen here) and waits until /health answers 200. */
export async function startServer(env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  const chunks: string[] = [];
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      RATE_LIMIT_PER_MINUTE: '1000000',
      WEBHOOK_WORKER_IN_SERVER: 'false',
      ...env,
      PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout?.on('data', (d: Buffer) => chunks.push(d.toString()));
  proc.stderr?.on('data', (d: Buffer) => chunks.push(d.toString()));
  const base = `http://127.0.0.1:${port}`;
  const server: ServerProcess = {
    proc,
    base,
    output: () => chunks.join(''),
    async stop() {
      if (proc.exitCode !== null) return;
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
    },
  };
  for (let i = 0; i < 240; i++) {
    if (proc.exitCode !== null) break;
    const up = await fetch(`${base}/health`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (up) return server;
    await new Promise((r) => setTimeout(r, 250));
  }
  await server.stop();
  throw new Error(`server did not start: ${server.output()}`);
}

/** Runs the command line (`npm run stockroom -- ...`) and answers its exit code and output. */
export function cli(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs the command line without blocking the event loop (servers in this process keep answering). */
export function cliAsync(
  args: string[],
  env: Record<string, string>,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    proc.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

/** An HTTP client with an API key, for servers in other processes. */
export function http(base: string, apikey: string) {
  return async (method: string, url: string, body?: unknown) => {
    const res = await fetch(`${base}/api/v1${url}`, {
      method,
      headers: {
        authorization: 'Basic ' + Buffer.from(`${apikey}:X`).toString('base64'),
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
}

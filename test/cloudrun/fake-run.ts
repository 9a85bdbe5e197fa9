/**
 * A local Cloud Run Admin API v2 server for tests, spoken to by the real @google-cloud/run
 * client in REST mode. `jobs.run` "executes" the execution by running its container args as a
 * local process (the job's entrypoint runs its arguments, as /usr/bin/env would), with the
 * overrides' env; getExecution reports it as Cloud Run does; cancel kills it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeExecution {
  readonly name: string;
  readonly job: string;
  readonly args: string[];
  readonly env: Record<string, string>;
  readonly timeout: string | undefined;
  readonly taskCount: number;
  readonly createdAt: number;
  startedAt: number | undefined;
  endedAt: number | undefined;
  state: 'running' | 'succeeded' | 'failed' | 'cancelled';
  exitCode: number | undefined;
  pid: number | undefined;
}

export interface FakeRun {
  /** `http://127.0.0.1:PORT`: the runner's apiEndpoint. */
  readonly url: string;
  /** Every request as `METHOD path`, in order. */
  readonly requests: string[];
  readonly executions: FakeExecution[];
  /** Jobs that exist, as `projects/P/locations/L/jobs/J`. */
  readonly jobs: Set<string>;
  /** Permissions the caller is granted (testIamPermissions answers from these). */
  permissions: Set<string>;
  close(): Promise<void>;
}

const PERMISSIONS = ['run.jobs.run', 'run.executions.get', 'run.executions.cancel', 'run.jobs.get'];

/** Starts the fake; `cwd` is where executions run (the project folder). */
export async function startFakeRun(options: { cwd: string; jobs?: string[] }): Promise<FakeRun> {
  const requests: string[] = [];
  const executions: FakeExecution[] = [];
  const children = new Map<string, ChildProcess>();
  const jobs = new Set(options.jobs ?? []);
  const state = { permissions: new Set(PERMISSIONS) };
  let counter = 0;

  const executionResource = (e: FakeExecution) => {
    const done = e.state !== 'running';
    const completed =
      e.state === 'succeeded'
        ? { type: 'Completed', state: 'CONDITION_SUCCEEDED', message: 'Execution completed successfully in 1s.' }
        : e.state === 'failed'
          ? { type: 'Completed', state: 'CONDITION_FAILED', message: `Task ${e.name.split('/').pop()}-task0 failed with exit code ${e.exitCode ?? 1}.` }
          : e.state === 'cancelled'
            ? { type: 'Completed', state: 'CONDITION_FAILED', message: 'The execution was cancelled.', executionReason: 'CANCELLED' }
            : { type: 'Completed', state: 'CONDITION_RECONCILING', message: 'Running.' };
    return {
      name: e.name,
      job: e.job.split('/').pop(),
      createTime: new Date(e.createdAt).toISOString(),
      ...(e.startedAt ? { startTime: new Date(e.startedAt).toISOString() } : {}),
      ...(done && e.endedAt ? { completionTime: new Date(e.endedAt).toISOString() } : {}),
      taskCount: e.taskCount,
      runningCount: done ? 0 : 1,
      succeededCount: e.state === 'succeeded' ? 1 : 0,
      failedCount: e.state === 'failed' ? 1 : 0,
      cancelledCount: e.state === 'cancelled' ? 1 : 0,
      conditions: [completed],
      // The overrides it ran with, as Cloud Run shows them in the execution's template.
      template: { containers: [{ args: e.args, env: Object.entries(e.env).map(([name, value]) => ({ name, value })) }] },
      logUri: `https://console.cloud.google.com/logs/viewer?execution=${e.name.split('/').pop()}`,
    };
  };

  const operation = (e: FakeExecution) => {
    const done = e.state !== 'running';
    const resource = { '@type': 'type.googleapis.com/google.cloud.run.v2.Execution', ...executionResource(e) };
    return {
      name: `${e.job.replace(/\/jobs\/[^/]+$/, '')}/operations/${e.name.split('/').pop()}`,
      metadata: resource,
      done,
      ...(done ? (e.state === 'succeeded' ? { response: resource } : { error: { code: 2, message: executionResource(e).conditions[0]?.message } }) : {}),
    };
  };

  const start = (job: string, body: Record<string, unknown>): FakeExecution => {
    const overrides = (body.overrides ?? {}) as { containerOverrides?: { args?: string[]; env?: { name: string; value: string }[] }[]; taskCount?: number; timeout?: string };
    const container = overrides.containerOverrides?.[0] ?? {};
    const execution: FakeExecution = {
      // projects/P/locations/L/jobs/J -> projects/P/locations/L/jobs/J/executions/J-00001
      name: `${job}/executions/${job.split('/').pop()}-${String(++counter).padStart(5, '0')}`,
      job,
      args: container.args ?? [],
      env: Object.fromEntries((container.env ?? []).map((v) => [v.name, v.value])),
      timeout: overrides.timeout,
      taskCount: overrides.taskCount ?? 1,
      createdAt: Date.now(),
      startedAt: undefined,
      endedAt: undefined,
      state: 'running',
      exitCode: undefined,
      pid: undefined,
    };
    executions.push(execution);
    const [file, ...args] = execution.args;
    if (file === undefined) {
      execution.state = 'failed';
      execution.endedAt = Date.now();
      return execution;
    }
    const child = spawn(file, args, { cwd: options.cwd, env: { ...process.env, ...execution.env }, stdio: 'ignore', detached: true });
    execution.pid = child.pid;
    execution.startedAt = Date.now();
    children.set(execution.name, child);
    child.on('error', () => {
      execution.state = 'failed';
      execution.endedAt = Date.now();
    });
    child.on('exit', (code) => {
      children.delete(execution.name);
      if (execution.state === 'running') execution.state = code === 0 ? 'succeeded' : 'failed';
      execution.exitCode = code ?? undefined;
      execution.endedAt = Date.now();
    });
    return execution;
  };

  const reply = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const notFound = (res: http.ServerResponse, what: string) =>
    reply(res, 404, { error: { code: 404, status: 'NOT_FOUND', message: `Resource '${what}' of kind 'JOB' in region was not found.` } });

  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const path = decodeURIComponent(url.pathname);
      requests.push(`${req.method} ${path}`);
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      let m: RegExpExecArray | null;
      if ((m = /^\/v2\/(projects\/[^/]+\/locations\/[^/]+\/jobs\/[^/:]+):run$/.exec(path)) && req.method === 'POST') {
        const job = m[1] as string;
        if (!jobs.has(job)) return notFound(res, job);
        if (!state.permissions.has('run.jobs.run')) return reply(res, 403, { error: { code: 403, status: 'PERMISSION_DENIED', message: `Permission 'run.jobs.run' denied on resource '${job}'.` } });
        return reply(res, 200, operation(start(job, body)));
      }
      if ((m = /^\/v2\/(projects\/[^/]+\/locations\/[^/]+\/jobs\/[^/:]+):testIamPermissions$/.exec(path)) && req.method === 'POST') {
        const asked = (body.permissions as string[] | undefined) ?? [];
        return reply(res, 200, { permissions: asked.filter((p) => state.permissions.has(p)) });
      }
      if ((m = /^\/v2\/(projects\/[^/]+\/locations\/[^/]+\/jobs\/[^/:]+)$/.exec(path)) && req.method === 'GET') {
        const job = m[1] as string;
        if (!jobs.has(job)) return notFound(res, job);
        return reply(res, 200, { name: job, template: { taskCount: 1, template: { containers: [{ image: 'gcr.io/x/processors' }] } } });
      }
      if ((m = /^\/v2\/(projects\/[^/]+\/locations\/[^/]+\/jobs\/[^/:]+)\/executions$/.exec(path)) && req.method === 'GET') {
        return reply(res, 200, { executions: executions.filter((e) => e.job === m?.[1]).map(executionResource) });
      }
      if ((m = /^\/v2\/(projects\/[^/]+\/locations\/[^/]+)\/operations\/([^/:]+)$/.exec(path)) && req.method === 'GET') {
        const e = executions.find((x) => x.name.endsWith(`/executions/${m?.[2]}`));
        return e ? reply(res, 200, operation(e)) : notFound(res, path);
      }
      if ((m = /^\/v2\/(projects\/[^/]+\/locations\/[^/]+\/jobs\/[^/]+\/executions\/[^/:]+):cancel$/.exec(path)) && req.method === 'POST') {
        const e = executions.find((x) => x.name === m?.[1]);
        if (!e) return notFound(res, m[1] as string);
        if (e.state === 'running') {
          e.state = 'cancelled';
          if (e.pid !== undefined) {
            try {
              process.kill(-e.pid, 'SIGKILL');
            } catch {
              // Gone already.
            }
          }
        }
        return reply(res, 200, operation(e));
      }
      if ((m = /^\/v2\/(projects\/[^/]+\/locations\/[^/]+\/jobs\/[^/]+\/executions\/[^/:]+)$/.exec(path)) && req.method === 'GET') {
        const e = executions.find((x) => x.name === m?.[1]);
        return e ? reply(res, 200, executionResource(e)) : notFound(res, m[1] as string);
      }
      reply(res, 404, { error: { code: 404, status: 'NOT_FOUND', message: `no route ${req.method} ${path}` } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    executions,
    jobs,
    get permissions() {
      return state.permissions;
    },
    set permissions(value) {
      state.permissions = value;
    },
    async close() {
      for (const child of children.values()) {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        } catch {
          // Gone already.
        }
      }
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

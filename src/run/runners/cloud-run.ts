/**
 * Steps as Cloud Run job executions (Cloud Run Admin API v2, through @google-cloud/run in its
 * REST mode): `jobs.run` with the step's argv as the container's args and its variables as env,
 * one task; then the execution is polled, with backoff, until it completes; Ctrl-C or a timeout
 * cancels it. An endpoint on this machine (an emulator, the tests' server) gets no credentials
 * and no metadata-server probe; anything else uses Application Default Credentials.
 */
import fs from 'node:fs';
import type { Runner as RunnerConfig } from '../../config/config.js';
import { isLocalEndpoint } from '../../util/endpoints.js';
import { messageOf, UsageError } from '../../util/errors.js';
import type { Runner, RunOutcome, StepRun } from './runner.js';

/** What a step's run needs to be able to do. */
const PERMISSIONS = ['run.jobs.run', 'run.executions.get', 'run.executions.cancel'];
/** Polls start here and grow by half up to MAX_POLL_MS (BigQuery-style backoff, no tight loop). */
const FIRST_POLL_MS = 1_000;
const MAX_POLL_MS = 15_000;
/** How long a cancelled execution is watched for its end before the step is given up as interrupted. */
const CANCEL_WAIT_MS = 60_000;

interface Execution {
  name?: string | null;
  completionTime?: unknown;
  succeededCount?: number | null;
  failedCount?: number | null;
  cancelledCount?: number | null;
  logUri?: string | null;
  conditions?: { type?: string | null; state?: unknown; message?: string | null }[] | null;
  template?: { containers?: { env?: { name?: string | null; value?: string | null }[] | null }[] | null } | null;
}

type Clients = Awaited<ReturnType<typeof createClients>>;

async function createClients(config: RunnerConfig) {
  // Loaded on demand: a config without runners never pays for the client library.
  const { v2 } = await import('@google-cloud/run');
  let options: Record<string, string | number | boolean | object> = { fallback: true };
  if (config.apiEndpoint && isLocalEndpoint(config.apiEndpoint)) {
    const { PassThroughClient } = await import('google-auth-library');
    const url = new URL(config.apiEndpoint);
    options = { ...options, protocol: url.protocol.replace(':', ''), apiEndpoint: url.hostname, port: Number(url.port), authClient: new PassThroughClient() };
  } else if (config.apiEndpoint) {
    options = { ...options, apiEndpoint: new URL(config.apiEndpoint).hostname };
  }
  return { jobs: new v2.JobsClient(options), executions: new v2.ExecutionsClient(options) };
}

/** The poll interval to start from; the tests shorten it. */
const firstPoll = (): number => Number(process.env.BFTASK_CLOUD_RUN_POLL_MS) || FIRST_POLL_MS;

export function cloudRunRunner(config: RunnerConfig): Runner {
  const job = `projects/${config.projectId}/locations/${config.location}/jobs/${config.job}`;
  let clients: Promise<Clients> | undefined;
  const connect = () => (clients ??= createClients(config));
  const where = `runners.${config.name}: Cloud Run job ${job}`;

  return {
    name: config.name,
    slots: config.slots,
    describe: () => `Cloud Run job ${config.job}, ${config.location}, ${config.slots} at once`,

    async preflight() {
      const { jobs } = await connect();
      try {
        await jobs.getJob({ name: job });
      } catch (error) {
        throw new UsageError(`${where}: ${explain(error)}`);
      }
      let granted: string[];
      try {
        const [answer] = await jobs.testIamPermissions({ resource: job, permissions: PERMISSIONS });
        granted = answer.permissions ?? [];
      } catch (error) {
        throw new UsageError(`${where}: ${explain(error)}`);
      }
      const missing = PERMISSIONS.filter((p) => !granted.includes(p));
      if (missing.length > 0) throw new UsageError(`${where}: permission denied: needs ${missing.join(', ')} (roles/run.developer has them)`);
    },

    async run(step) {
      const { jobs, executions } = await connect();
      const log = (line: string) => fs.appendFileSync(step.logFile, `# ${new Date().toISOString()} ${line}\n`);
      const started = Date.now();
      log(`Cloud Run job ${job}: ${JSON.stringify(step.argv)}`);
      let name: string | undefined;
      try {
        const timeoutMs = step.timeoutMs ?? config.timeoutMs;
        const [operation] = await jobs.runJob({
          name: job,
          overrides: {
            containerOverrides: [{ args: [...step.argv], env: Object.entries(step.env).map(([key, value]) => ({ name: key, value })) }],
            taskCount: 1,
            ...(timeoutMs === undefined ? {} : { timeout: { seconds: Math.ceil(timeoutMs / 1000) } }),
          },
        });
        name = (operation.metadata as Execution | undefined)?.name ?? undefined;
        if (!name) return failed(log, started, `jobs.run on ${job} returned no execution`);
        log(`execution ${name} started`);
        step.onStart?.({ execution: name });
        const done = await watch(executions, name, step);
        return outcome(done, name, log, started, step.signal.aborted);
      } catch (error) {
        return failed(log, started, `${name ? `execution ${name}` : `jobs.run on ${job}`}: ${explain(error)}`);
      }
    },

    async cancelOrphans(runs, named) {
      const { executions } = await connect();
      const cancelled: string[] = [];
      const [listed] = (await executions.listExecutions({ parent: job }).catch(() => [[]])) as unknown as [Execution[]];
      for (const execution of listed) {
        if (!execution.name || execution.completionTime) continue;
        const env = execution.template?.containers?.[0]?.env ?? [];
        const run = env.find((v) => v.name === 'BFTASK_RUN')?.value;
        if (named.includes(execution.name) || (run && runs.includes(run))) {
          await executions.cancelExecution({ name: execution.name }).catch(() => undefined);
          cancelled.push(execution.name);
        }
      }
      return cancelled;
    },
  };
}

/** Polls the execution until it completes, cancelling it once when `signal` aborts. */
async function watch(executions: Clients['executions'], name: string, step: StepRun): Promise<Execution> {
  let pause = firstPoll();
  let cancelledAt: number | undefined;
  for (;;) {
    if (step.signal.aborted && cancelledAt === undefined) {
      cancelledAt = Date.now();
      await executions.cancelExecution({ name }).catch(() => undefined);
    }
    const [execution] = (await executions.getExecution({ name })) as unknown as [Execution];
    if (execution.completionTime) return execution;
    if (cancelledAt !== undefined && Date.now() - cancelledAt > CANCEL_WAIT_MS) return execution;
    await sleep(pause, cancelledAt === undefined ? step.signal : undefined);
    pause = Math.min(MAX_POLL_MS, pause * 1.5);
  }
}

function outcome(execution: Execution, name: string, log: (line: string) => void, started: number, interrupted: boolean): RunOutcome {
  const took = `after ${((Date.now() - started) / 1000).toFixed(1)}s`;
  const logs = execution.logUri ? ` (logs: ${execution.logUri})` : '';
  if (execution.logUri) log(`console and logs: ${execution.logUri}`);
  if ((execution.succeededCount ?? 0) > 0) {
    log(`execution ${name} succeeded ${took}`);
    return { kind: 'exited', code: 0 };
  }
  const completed = execution.conditions?.find((c) => c.type === 'Completed');
  const why = completed?.message ?? ((execution.cancelledCount ?? 0) > 0 || interrupted ? 'cancelled' : 'failed');
  log(`execution ${name} ${interrupted ? 'cancelled' : 'failed'}: ${why} ${took}`);
  if (interrupted) return { kind: 'signal', signal: 'cancelled' };
  return { kind: 'remote-failed', message: `execution ${name} failed: ${why.replace(/\.$/, '')}${logs}` };
}

function failed(log: (line: string) => void, started: number, message: string): RunOutcome {
  log(`${message} after ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return { kind: 'remote-failed', message };
}

/** A client error in one line: what is missing, or what the API said. */
function explain(error: unknown): string {
  const e = error as { code?: number | string; message?: string };
  const text = messageOf(error);
  if (/default credentials|Could not refresh access token|Could not load the default credentials/i.test(text)) {
    return 'no Google credentials: run `gcloud auth application-default login` or set GOOGLE_APPLICATION_CREDENTIALS';
  }
  if (e.code === 5 || e.code === 404 || /not found/i.test(text)) return 'not found (does the job exist in this project and region?)';
  if (e.code === 7 || e.code === 403 || /permission/i.test(text)) {
    const permission = /Permission '?([\w.]+)'? denied/i.exec(text)?.[1];
    return `permission denied${permission ? `: needs ${permission}` : ''} (${text})`;
  }
  return text;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

import type { FlowParameter, FlowTask } from '../../core/ports';
import { isTerminalStatus, RUN_STATUS_NAMES } from '../../core/run-status';

/*
 * The in-memory EnOS of the fake gateway: users, flows, instances and the batch-processing rules
 * (docs/enos-api.md §2-3). Pure: no HTTP here. Answers are `{code, msg, data}` as EnOS sends them,
 * quirks included (JSON-encoded `parameters`/`graph`, `;`-separated owners, string flowIds).
 */

/** An EnOS user known to the fake. */
export interface FakeEnosUser {
  userId: string;
  /** The EnOS username: flow owners are listed by username. */
  userName: string;
  orgId: string;
  locked?: boolean;
  /** For the IAM user list (self-linking by email). */
  email?: string;
}

/** A flow as a test describes it; everything but `flowId` has a default. */
export interface FakeFlowInput {
  flowId: number;
  /** Default `flow-<flowId>`. */
  flowName?: string;
  /** Usernames exactly as EnOS sends them, e.g. `' alice ; bob '` or `';alice;bob;'`. Default `''` (nobody). */
  owner?: string;
  /** Same format as `owner`. Default `''`. */
  visitor?: string;
  /** When set, only users of this organization may use the flow. */
  orgId?: string;
  /** The workflow is locked. Default false. */
  locked?: boolean;
  /** Default one task `{taskName: 'task-1', taskId: '<flowId>01', nodeId: 'node-1'}`; `[]` makes an empty flow. */
  tasks?: FlowTask[];
  /** The flow's global parameters. Default `[]`. */
  parameters?: FlowParameter[];
  desc?: string;
  /** Default 1 (started). */
  active?: number;
  /** Default 0 (manual). */
  type?: number;
  /** Default `'D'`. */
  cycle?: string;
  /** Default `'0 0 1 * * ? *'`. */
  freq?: string;
  /** How its runs go when the simulator moves runs by itself (`autoProgress`); default {@link DEFAULT_RUN_PLAN}. */
  run?: RunPlan;
}

/**
 * How a run of a flow goes by itself on the simulator's clock: WAIT until its trigger time,
 * RUNNING for `runMs`, then SUCCESS, or FAIL at task `failAtTask` (whose log is `failureLog`).
 */
export interface RunPlan {
  runMs: number;
  failAtTask?: string;
  failureLog?: string;
}

/** A run takes 30 s of the simulator's clock and succeeds. */
export const DEFAULT_RUN_PLAN: RunPlan = { runMs: 30_000 };

/** A flow held by the fake (all defaults applied). */
export type FakeFlow = Required<Omit<FakeFlowInput, 'orgId' | 'desc' | 'run'>> &
  Pick<FakeFlowInput, 'orgId' | 'desc' | 'run'>;

/** A task of a flow instance. */
export interface FakeInstanceTask {
  taskName: string;
  taskInstId: string;
  /** "INIT", "RUNNING", "SUCCESS", "FAIL", "CANCEL", … */
  status: string;
}

/** A flow instance held by the fake. */
export interface FakeFlowInstance {
  instanceId: string;
  flowId: number;
  flowName: string;
  /** -1 FAIL, 0 INIT, 1 SUCCESS, 2 RUNNING, 3 SUSPEND, 4 INTERNAL_ERROR, 5 WAIT, 6 READY, 7 TIMEOUT, 8 CANCEL, 9 RERUN, 10 SKIP */
  status: number;
  /** Epoch ms, as sent in `triggerTime`. */
  triggerTime: number;
  parameters: FlowParameter[];
  tasks: FakeInstanceTask[];
  /** Username of whoever triggered it. */
  owner: string;
  userId: string;
  orgId: string;
  /** Fake clock when the instance was created (List Flow Instances' `createTime`). */
  createdAt?: number;
}

/** What a test may pass to `addInstance`. */
export interface FakeInstanceInput {
  flowId: number;
  instanceId?: string;
  status?: number;
  triggerTime?: number;
  parameters?: FlowParameter[];
  owner?: string;
  userId?: string;
  orgId?: string;
}

/** One Update And Trigger call that passed the gateway's authentication, and how EnOS answered. */
export interface FakeEnosTrigger {
  userId: string;
  orgId: string;
  /** As sent (normally a number). */
  flowId: unknown;
  /** As sent (normally epoch ms). */
  triggerTime: unknown;
  /** As sent: normally `[{key, value}]`. */
  parameters: unknown;
  /** Fake clock time the call arrived. */
  at: number;
  /** 0 when an instance was created, otherwise the EnOS error code answered. */
  code: number;
  instanceId?: string;
}

/** `{code, msg, data}` as EnOS answers. */
export interface EnosEnvelope {
  code: number;
  msg: string;
  data: unknown;
}

/** EnOS's status names, as the simulator writes them in `statusDesc` and task statuses (docs/enos-api.md). */
const STATUS_DESC = RUN_STATUS_NAMES;

export const MSG = {
  62101: 'userId does not exist, or it does not match to orgId.',
  incorrect: 'Incorrect parameter',
  instanceNotFound: 'Instance not found',
  repeated:
    'Cannot create workflow instance, please do not trigger the same workflow repeatedly in 1 minute.',
  62103: 'User has no privilege.',
  62104: 'This workflow has no task. You cannot trigger it.',
  62105: 'Your account has been locked',
  noLog: 'No log found',
} as const;

const ok = (data: unknown): EnosEnvelope => ({ code: 0, msg: 'OK', data });
const fail = (code: number, msg: string): EnosEnvelope => ({ code, msg, data: null });

function splitUsers(list: string): string[] {
  return list
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `yyyy-MM-dd HH:mm:ss` in UTC: the fake's server time zone. */
function serverTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(
    d.getUTCMinutes(),
  )}:${pad(d.getUTCSeconds())}`;
}

/** `yyyy-MM-dd` of the day before: `${cal_dt}`'s default. */
function calDt(ms: number): string {
  return serverTime(ms - 86_400_000).slice(0, 10);
}

function isParameterList(v: unknown): v is FlowParameter[] {
  return (
    Array.isArray(v) &&
    v.every(
      (p) => typeof p === 'object' && p !== null && typeof p.key === 'string' && typeof p.value === 'string',
    )
  );
}

/** The users, flows and instances of the fake, and the business rules of the five calls. */
/**
 * When a run starts: at its trigger time, or, for a back-dated one, when it was created (EnOS runs
 * a back-dated trigger at once). Its run time counts from there, and so does its duration.
 */
function runStartOf(instance: Pick<FakeFlowInstance, 'triggerTime' | 'createdAt'>): number {
  return Math.max(instance.triggerTime, instance.createdAt ?? instance.triggerTime);
}

export class FakeEnosState {
  readonly users = new Map<string, FakeEnosUser>();
  readonly flows = new Map<number, FakeFlow>();
  readonly instances = new Map<string, FakeFlowInstance>();
  readonly triggers: FakeEnosTrigger[] = [];
  /** The logs of tasks that failed by themselves (`autoProgress`), by taskInstId. */
  readonly planLogs = new Map<string, string>();
  private readonly lastTriggerAt = new Map<number, number>();

  /**
   * `autoProgress`: runs move by themselves on the clock (the demo). Off by default, so that tests
   * keep their scripted control with `setInstanceStatus`.
   */
  constructor(
    private readonly clock: () => number,
    private readonly autoProgress = false,
  ) {}

  /**
   * Moves every unfinished run to where its flow's plan puts it now. Called before any answer that
   * shows a run, so runs progress on the clock without a timer. A run cancelled or set by a test
   * (a terminal status) stays as it is.
   */
  advance(): void {
    if (!this.autoProgress) return;
    const now = this.clock();
    for (const instance of this.instances.values()) {
      if (isTerminalStatus(instance.status)) continue;
      const plan = this.flows.get(instance.flowId)?.run ?? DEFAULT_RUN_PLAN;
      const startsAt = runStartOf(instance);
      if (now < startsAt) {
        this.moveTo(instance, 5, () => 'INIT');
      } else if (now < startsAt + plan.runMs) {
        this.moveTo(instance, 2, () => 'RUNNING');
      } else if (plan.failAtTask === undefined) {
        this.moveTo(instance, 1, () => 'SUCCESS');
      } else {
        const failAt = instance.tasks.findIndex((t) => t.taskName === plan.failAtTask);
        this.moveTo(instance, -1, (i) => (i < failAt ? 'SUCCESS' : i === failAt ? 'FAIL' : 'INIT'));
        const failed = instance.tasks[failAt];
        if (failed && plan.failureLog !== undefined) this.planLogs.set(failed.taskInstId, plan.failureLog);
      }
    }
  }

  private moveTo(instance: FakeFlowInstance, status: number, taskStatus: (index: number) => string): void {
    instance.status = status;
    instance.tasks = instance.tasks.map((t, i) => ({ ...t, status: taskStatus(i) }));
  }

  addUser(user: FakeEnosUser): FakeEnosUser {
    const stored = { locked: false, ...user };
    this.users.set(user.userId, stored);
    return stored;
  }

  addFlow(input: FakeFlowInput): FakeFlow {
    const flow: FakeFlow = {
      flowName: `flow-${input.flowId}`,
      owner: '',
      visitor: '',
      locked: false,
      tasks: [{ taskName: 'task-1', taskId: `${input.flowId}01`, nodeId: 'node-1' }],
      parameters: [],
      active: 1,
      type: 0,
      cycle: 'D',
      freq: '0 0 1 * * ? *',
      // An explicit `undefined` keeps the default.
      ...(Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as FakeFlowInput),
    };
    this.flows.set(flow.flowId, flow);
    return flow;
  }

  addInstance(input: FakeInstanceInput): FakeFlowInstance {
    const flow = this.flows.get(input.flowId);
    const triggerTime = input.triggerTime ?? this.clock();
    const instance: FakeFlowInstance = {
      instanceId: input.instanceId ?? this.newInstanceId(input.flowId, triggerTime),
      flowId: input.flowId,
      flowName: flow?.flowName ?? `flow-${input.flowId}`,
      status: input.status ?? 0,
      triggerTime,
      parameters: input.parameters ?? flow?.parameters ?? [],
      tasks: (flow?.tasks ?? []).map((t, i) => ({
        taskName: t.taskName,
        taskInstId: `${t.taskId}-${triggerTime}-${i}`,
        status: STATUS_DESC[input.status ?? 0] ?? 'INIT',
      })),
      owner: input.owner ?? splitUsers(flow?.owner ?? '')[0] ?? '',
      userId: input.userId ?? '',
      orgId: input.orgId ?? '',
      createdAt: this.clock(),
    };
    this.instances.set(instance.instanceId, instance);
    return instance;
  }

  setInstanceStatus(
    instanceId: string,
    status: number,
    tasks?: Array<Partial<FakeInstanceTask>>,
  ): FakeFlowInstance {
    const instance = this.instances.get(instanceId);
    if (!instance) throw new Error(`fake EnOS: no instance ${instanceId}`);
    instance.status = status;
    if (tasks) {
      instance.tasks = tasks.map((t, i) => ({
        taskName: t.taskName ?? instance.tasks[i]?.taskName ?? `task-${i + 1}`,
        taskInstId: t.taskInstId ?? instance.tasks[i]?.taskInstId ?? `${instanceId}-${i}`,
        status: t.status ?? STATUS_DESC[status] ?? 'INIT',
      }));
    }
    return instance;
  }

  /** `<flowId>-<14 digits>` from the trigger time, made unique. */
  private newInstanceId(flowId: number, triggerTime: number): string {
    for (let t = triggerTime; ; t += 1000) {
      const d = new Date(t);
      const digits = `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(
        d.getUTCMinutes(),
      )}${pad(d.getUTCSeconds())}`;
      const id = `${flowId}-${digits}`;
      if (!this.instances.has(id)) return id;
    }
  }

  private user(userId: string, orgId: string): FakeEnosUser | undefined {
    const user = this.users.get(userId);
    return user && user.orgId === orgId ? user : undefined;
  }

  private flowAnswer(flow: FakeFlow, user: FakeEnosUser) {
    const owners = splitUsers(flow.owner);
    const visitors = splitUsers(flow.visitor);
    return {
      flowId: flow.flowId,
      flowName: flow.flowName,
      desc: flow.desc ?? null,
      active: flow.active,
      type: flow.type,
      cycle: flow.cycle,
      freq: flow.freq,
      owner: flow.owner,
      visitor: flow.visitor,
      // EnOS quirk: JSON-encoded strings, not objects.
      parameters: JSON.stringify(flow.parameters),
      graph: JSON.stringify({ tasks: flow.tasks, relations: [] }),
      locked: flow.locked,
      isUserLocked: user.locked === true,
      hasEditPri: owners.includes(user.userName),
      hasReadPri: owners.includes(user.userName) || visitors.includes(user.userName),
      // Fields the app does not use, as EnOS sends more than the docs list.
      creator: owners[0] ?? 'admin',
      updateTime: serverTime(this.clock()),
      isFromMarket: false,
    };
  }

  private instanceAnswer(i: FakeFlowInstance) {
    const terminal = isTerminalStatus(i.status);
    return {
      instanceId: i.instanceId,
      flowId: i.flowId,
      flowName: i.flowName,
      parameters: JSON.stringify(i.parameters),
      graph: JSON.stringify({ tasks: i.tasks, relations: [] }),
      status: i.status,
      statusDesc: STATUS_DESC[i.status] ?? 'UNKNOWN',
      triggerTime: serverTime(i.triggerTime),
      startTime: i.status === 0 ? null : serverTime(runStartOf(i)),
      endTime: terminal ? serverTime(this.clock()) : null,
      owner: i.owner,
      calDt: calDt(i.triggerTime),
      type: 2,
    };
  }

  getFlow(userId: string, orgId: string, flowId: string | undefined): EnosEnvelope {
    const user = this.user(userId, orgId);
    if (!user) return fail(62101, MSG[62101]);
    const flow = this.flows.get(Number(flowId));
    if (!flow) return fail(62102, MSG.incorrect);
    if (flow.orgId !== undefined && flow.orgId !== orgId) return fail(62103, MSG[62103]);
    return ok(this.flowAnswer(flow, user));
  }

  getMyFlows(userId: string, orgId: string, expression: string | undefined): EnosEnvelope {
    const user = this.user(userId, orgId);
    if (!user) return fail(62101, MSG[62101]);
    const needle = expression?.toLowerCase() ?? '';
    const flows = [...this.flows.values()]
      .filter((f) => f.orgId === undefined || f.orgId === orgId)
      .filter(
        (f) => splitUsers(f.owner).includes(user.userName) || splitUsers(f.visitor).includes(user.userName),
      )
      .filter((f) => f.flowName.toLowerCase().includes(needle))
      .map((f) => ({
        // EnOS quirk: a string here, a number in Get Flow.
        flowId: String(f.flowId),
        editable: splitUsers(f.owner).includes(user.userName),
        flowName: f.flowName,
        cycle: f.cycle,
      }));
    return ok(flows);
  }

  updateAndTrigger(userId: string, orgId: string, body: unknown): EnosEnvelope {
    const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const record: FakeEnosTrigger = {
      userId,
      orgId,
      flowId: b.flowId,
      triggerTime: b.triggerTime,
      parameters: b.parameters,
      at: this.clock(),
      code: 0,
    };
    this.triggers.push(record);
    const answer = this.trigger(userId, orgId, b);
    record.code = answer.code;
    if (answer.code === 0) record.instanceId = (answer.data as { flowInstanceId: string }).flowInstanceId;
    return answer;
  }

  private trigger(userId: string, orgId: string, b: Record<string, unknown>): EnosEnvelope {
    const user = this.user(userId, orgId);
    if (!user) return fail(62101, MSG[62101]);
    // One Envision sample sends the parameters as a JSON string: accept both.
    let parameters = b.parameters ?? [];
    if (typeof parameters === 'string') {
      try {
        parameters = JSON.parse(parameters);
      } catch {
        return fail(62102, MSG.incorrect);
      }
    }
    if (typeof b.flowId !== 'number' || typeof b.triggerTime !== 'number' || !isParameterList(parameters)) {
      return fail(62102, MSG.incorrect);
    }
    const flow = this.flows.get(b.flowId);
    if (!flow || (flow.orgId !== undefined && flow.orgId !== orgId)) return fail(62102, MSG.incorrect);
    if (user.locked) return fail(62105, MSG[62105]);
    // No code is documented for a locked workflow; "no privilege" is the fake's choice (inferred).
    if (!splitUsers(flow.owner).includes(user.userName) || flow.locked) return fail(62103, MSG[62103]);
    if (flow.tasks.length === 0) return fail(62104, MSG[62104]);
    const now = this.clock();
    const last = this.lastTriggerAt.get(flow.flowId);
    if (last !== undefined && now - last < 60_000) return fail(62102, MSG.repeated);
    this.lastTriggerAt.set(flow.flowId, now);
    // The update applies to this instance only: the flow keeps its parameters.
    const merged = flow.parameters.map((p) => parameters.find((q) => q.key === p.key) ?? p);
    const extra = parameters.filter((q) => !flow.parameters.some((p) => p.key === q.key));
    const instance = this.addInstance({
      flowId: flow.flowId,
      triggerTime: b.triggerTime,
      parameters: [...merged, ...extra].map(({ key, value }) => ({ key, value })),
      owner: user.userName,
      userId,
      orgId,
    });
    return ok({ flowInstanceId: instance.instanceId });
  }

  getInstance(userId: string, orgId: string, instanceId: string | undefined): EnosEnvelope {
    if (!this.user(userId, orgId)) return fail(62101, MSG[62101]);
    this.advance();
    const instance = this.instances.get(instanceId ?? '');
    if (!instance) return fail(62102, MSG.instanceNotFound);
    return ok(this.instanceAnswer(instance));
  }

  /**
   * The IAM user list of an organization (docs/enos-api.md §3.9). The answer's envelope is not documented:
   * the fake sends a bare array, or with `pageSize` one page `{list, total}` (pageNo from 1).
   */
  listOrgUsers(orgId: string | undefined, paging: { pageSize?: number; pageNo?: number } = {}): EnosEnvelope {
    const users = [...this.users.values()]
      .filter((u) => u.orgId === orgId)
      .map((u) => ({
        id: u.userId,
        name: u.userName,
        email: u.email ?? null,
        state: u.locked ? 0 : 1,
        organizationId: u.orgId,
      }));
    if (!paging.pageSize) return ok(users);
    const start = ((paging.pageNo ?? 1) - 1) * paging.pageSize;
    return ok({ list: users.slice(start, start + paging.pageSize), total: users.length });
  }

  cancelInstance(userId: string, orgId: string, body: unknown): EnosEnvelope {
    const user = this.user(userId, orgId);
    if (!user) return fail(62101, MSG[62101]);
    this.advance();
    const id = (body as { flowInstId?: unknown } | null)?.flowInstId;
    const instance = typeof id === 'string' ? this.instances.get(id) : undefined;
    if (!instance) return fail(62102, MSG.instanceNotFound);
    if (instance.owner !== user.userName) return fail(62103, MSG[62103]);
    // Cancelling a finished run: no documented code; "incorrect parameter" (inferred).
    if (isTerminalStatus(instance.status)) return fail(62102, MSG.incorrect);
    instance.status = 8;
    instance.tasks = instance.tasks.map((t) => (t.status === 'SUCCESS' ? t : { ...t, status: 'CANCEL' }));
    return ok(null);
  }

  // ── List Flow Instances (recovery) ────────────────────────────────────────────────────────────

  /**
   * List Flow Instances: the instances whose trigger time lies in [fromTriggerTime, toTriggerTime],
   * whose id or flow name contains `expression`, of the statuses listed in `status` (empty: all),
   * and of scheduling `type` when one is given (the fake gives Update And Trigger's instances type
   * 2, as instanceAnswer says). Sorted by createTime, newest first; one page.
   */
  listInstances(userId: string, orgId: string, body: unknown): EnosEnvelope {
    if (!this.user(userId, orgId)) return fail(62101, MSG[62101]);
    this.advance();
    const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const from = typeof b.fromTriggerTime === 'number' ? b.fromTriggerTime : Number.NEGATIVE_INFINITY;
    const to = typeof b.toTriggerTime === 'number' ? b.toTriggerTime : Number.POSITIVE_INFINITY;
    const expression = typeof b.expression === 'string' ? b.expression : '';
    const statuses =
      typeof b.status === 'string' && b.status.trim() !== ''
        ? new Set(b.status.split(',').map((x) => Number(x.trim())))
        : typeof b.status === 'number'
          ? new Set([b.status])
          : undefined;
    if (b.type !== undefined && b.type !== '' && b.type !== 2) return ok({ flowInsts: [], count: 0 });
    // EnOS stores trigger times to the second.
    const list = [...this.instances.values()]
      .filter((i) => {
        const t = Math.floor(i.triggerTime / 1000) * 1000;
        return t >= from && t <= to;
      })
      .filter(
        (i) => expression === '' || i.instanceId.includes(expression) || i.flowName.includes(expression),
      )
      .filter((i) => !statuses || statuses.has(i.status))
      .sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0));
    return ok({
      flowInsts: list.map((i) => ({
        ...this.instanceAnswer(i),
        createTime: serverTime(i.createdAt ?? i.triggerTime),
      })),
      count: list.length,
    });
  }
}

// ---------------------------------------------------------------------------------------------------------
// Task logs and server time (Get Task Instance Log, Get Time Zone, Get Current Time)

/** The fake's task logs and server clock: kept apart from the flow rules above. */
export class FakeEnosLogsAndTime {
  /** Logs by taskInstId; `null` is a task EnOS has no log for (62109 "No log found"). */
  readonly logs = new Map<string, string | null>();
  /**
   * What Get Time Zone answers (`data.timezone`). EnOS spells it as a fixed offset (`GMT+8`); the
   * simulator writes its times in UTC (serverTime), so it says `GMT+0` unless a test changes it.
   */
  timeZone = 'GMT+0';
  /** Added to the fake's clock by Get Current Time: the server's clock skew. */
  clockOffsetMs = 0;

  constructor(
    private readonly state: FakeEnosState,
    private readonly clock: () => number,
  ) {}

  /**
   * Get Task Instance Log. A taskInstId that no instance has and no test gave a log is unknown
   * (62102); a known task without a log answers 62109 "No log found". With `maxLength` the answer
   * holds the log's last `maxLength` characters (the fake's choice: EnOS does not document which end).
   */
  getLog(
    userId: string,
    orgId: string,
    taskInstId: string | undefined,
    maxLength: string | undefined,
  ): EnosEnvelope {
    const user = this.state.users.get(userId);
    if (!user || user.orgId !== orgId) return fail(62101, MSG[62101]);
    const id = taskInstId ?? '';
    this.state.advance();
    const known =
      this.logs.has(id) ||
      [...this.state.instances.values()].some((i) => i.tasks.some((t) => t.taskInstId === id));
    if (!known) return fail(62102, MSG.instanceNotFound);
    const log = this.logs.has(id) ? this.logs.get(id) : this.state.planLogs.get(id);
    if (log === undefined || log === null) return fail(62109, MSG.noLog);
    const cap = maxLength === undefined ? undefined : Number(maxLength);
    if (cap !== undefined && (!Number.isInteger(cap) || cap <= 0)) return fail(62102, MSG.incorrect);
    return ok({ log: cap !== undefined && log.length > cap ? log.slice(log.length - cap) : log });
  }

  getTimeZone(): EnosEnvelope {
    return ok({ timezone: this.timeZone });
  }

  getCurrentTime(): EnosEnvelope {
    return ok(this.clock() + this.clockOffsetMs);
  }
}

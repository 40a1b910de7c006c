import { z } from 'zod';
import type {
  EnosOrgUser,
  Flow,
  FlowInstance,
  FlowInstanceTask,
  FlowParameter,
  FlowTask,
  ListedFlowInstance,
  MyFlow,
} from '../core/ports';

/*
 * zod schemas of the gateway's answers, each transforming EnOS's shape into the types of
 * core/ports.ts. Lenient about extra and optional fields (EnOS adds fields between releases),
 * strict about what the app relies on: a missing flowId, owner, lock flag or instance id makes the
 * answer malformed rather than silently wrong.
 */

/** An integer that EnOS sometimes sends as a string (Get My Flow's `flowId`). */
const integer = z.union([
  z.number().int(),
  z
    .string()
    .trim()
    .regex(/^-?\d+$/)
    .transform(Number),
]);

/** An optional text field; `null` counts as absent. */
const optionalText = z
  .string()
  .nullish()
  .transform((v) => v ?? undefined);

/** An optional identifier EnOS may send as a number or a string. */
const optionalId = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((v) => (v === null || v === undefined ? undefined : String(v)));

const optionalInteger = integer.nullish().transform((v) => v ?? undefined);

/** A flag EnOS sends as a boolean (0/1 accepted too). */
const flag = z.union([z.boolean(), z.literal(0), z.literal(1)]).transform((v) => v === true || v === 1);

/**
 * `parameters` and `graph` arrive as JSON-encoded strings (`"[{\"key\":…}]"`); an object is
 * accepted too. Text that is not JSON is passed on as it is, so the inner schema reports it.
 */
function jsonEncoded<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => {
    if (typeof value !== 'string') return value;
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }, schema);
}

const parameterSchema = z.object({
  key: z.string(),
  // Values are text in EnOS; a number or boolean is kept as its text, verbatim.
  value: z
    .union([z.string(), z.number(), z.boolean()])
    .nullish()
    .transform((v) => (v === null || v === undefined ? '' : String(v))),
});

/** A flow's or instance's parameters; absent, `null` or `""` means none. */
const parametersField = z
  .preprocess(
    (v) => (v === null || v === undefined || v === '' ? [] : v),
    jsonEncoded(z.array(parameterSchema)),
  )
  .transform((list): FlowParameter[] => list.map(({ key, value }) => ({ key, value })));

/**
 * `owner`/`visitor`: EnOS usernames separated by `;`, padded (" a ; b ") or wrapped (";a;b;").
 * An array is accepted too.
 */
function userList(value: string | string[]): string[] {
  const parts = Array.isArray(value) ? value : value.split(';');
  return parts.map((s) => s.trim()).filter((s) => s !== '');
}
const ownerField = z.union([z.string(), z.array(z.string())]).transform(userList);

const flowTaskSchema = z.object({
  taskName: z.string(),
  taskId: z.union([z.string(), z.number()]).transform(String),
  nodeId: optionalId,
});

/** Get Flow's `graph` (JSON string): only `tasks` matters; `relations` and layout are ignored. */
const flowGraphField = jsonEncoded(z.object({ tasks: z.array(flowTaskSchema).nullish() })).transform(
  (g): FlowTask[] =>
    (g.tasks ?? []).map((t) => ({
      taskName: t.taskName,
      taskId: t.taskId,
      ...(t.nodeId ? { nodeId: t.nodeId } : {}),
    })),
);

/** Get Flow's `data`. */
export const flowSchema = z
  .object({
    flowId: integer,
    flowName: z.string(),
    type: optionalInteger,
    cycle: optionalText,
    freq: optionalText,
    owner: ownerField,
    parameters: parametersField,
    graph: flowGraphField,
    locked: flag,
    isUserLocked: flag,
  })
  .transform(
    (f): Flow => ({
      flowId: f.flowId,
      flowName: f.flowName,
      type: f.type,
      cycle: f.cycle,
      freq: f.freq,
      owners: f.owner,
      parameters: f.parameters,
      tasks: f.graph,
      locked: f.locked,
      isUserLocked: f.isUserLocked,
    }),
  );

/** Get My Flow's `data`: `flowId` is a string there. `null` counts as an empty list. */
export const myFlowsSchema = z
  .array(
    z.object({
      flowId: integer,
      flowName: z.string(),
      cycle: optionalText,
    }),
  )
  .nullish()
  .transform((list): MyFlow[] =>
    (list ?? []).map((f) => ({
      flowId: f.flowId,
      flowName: f.flowName,
      cycle: f.cycle,
    })),
  );

const instanceTaskSchema = z.object({
  taskName: optionalText,
  taskInstId: optionalId,
  status: optionalText,
});

const instanceGraphField = z
  .preprocess(
    (v) => (v === null || v === undefined || v === '' ? {} : v),
    jsonEncoded(z.object({ tasks: z.array(instanceTaskSchema).nullish() })),
  )
  .transform((g): FlowInstanceTask[] =>
    (g.tasks ?? []).map((t) => ({ taskName: t.taskName, taskInstId: t.taskInstId, status: t.status })),
  );

/** Times are server-zone text (`yyyy-MM-dd HH:mm:ss`); kept as text. */
const timeText = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((v) => (v === null || v === undefined || v === '' ? undefined : String(v)));

/** Get Flow Instance's `data`. */
export const flowInstanceSchema = z
  .object({
    instanceId: z.string().min(1),
    flowId: integer,
    flowName: z.string(),
    status: integer,
    triggerTime: timeText,
    startTime: timeText,
    endTime: timeText,
    parameters: parametersField,
    graph: instanceGraphField,
  })
  .transform(
    (i): FlowInstance => ({
      instanceId: i.instanceId,
      flowId: i.flowId,
      flowName: i.flowName,
      status: i.status,
      triggerTime: i.triggerTime,
      startTime: i.startTime,
      endTime: i.endTime,
      parameters: i.parameters,
      tasks: i.graph,
    }),
  );

/**
 * List Flow Instances' `data`: `{flowInsts: [FlowInstance…], count}`. Each element as Get Flow
 * Instance's, plus `createTime` (recovery matches on it). A missing list is an empty one (inferred:
 * some versions send `null` when nothing matches).
 */
export const flowInstanceListSchema = z
  .object({
    flowInsts: z
      .array(z.object({ createTime: timeText }).passthrough())
      .nullish()
      .transform((v) => v ?? []),
  })
  .transform((data, ctx): ListedFlowInstance[] =>
    data.flowInsts.flatMap((raw, index) => {
      const parsed = flowInstanceSchema.safeParse(raw);
      if (!parsed.success) {
        ctx.addIssue({
          code: 'custom',
          message: `flowInsts[${index}] is not a flow instance`,
          path: ['flowInsts', index],
        });
        return [];
      }
      return [{ ...parsed.data, createTime: raw.createTime }];
    }),
  );

/** Update And Trigger Flow's `data`: the new instance's id, an opaque string. */
export const triggerResultSchema = z.object({ flowInstanceId: z.string().min(1) });

/** Cancel Flow Instance's `data`: nothing the app needs. */
export const cancelResultSchema = z.unknown().transform((): undefined => undefined);

/**
 * One IAM user: `{id, name, email, state, organizationId}` (docs/enos-api.md §3.9). `userId` as the name
 * of the id is accepted too (inferred); `state` may be a number or a string (inferred).
 */
const orgUserSchema = z
  .object({
    id: optionalId,
    userId: optionalId,
    name: optionalText,
    email: optionalText,
    state: optionalId,
    organizationId: optionalId,
  })
  .refine((u) => u.id !== undefined || u.userId !== undefined, { error: 'a user without an id' })
  .transform(
    (u): EnosOrgUser => ({
      id: (u.id ?? u.userId) as string,
      ...(u.name === undefined ? {} : { name: u.name }),
      ...(u.email === undefined ? {} : { email: u.email }),
      ...(u.state === undefined ? {} : { state: u.state }),
      ...(u.organizationId === undefined ? {} : { organizationId: u.organizationId }),
    }),
  );

/** Where a list may sit inside an object envelope (inferred: EnOS APIs use several of these). */
const LIST_FIELDS = ['users', 'userList', 'list', 'records', 'items', 'content', 'data'] as const;
/** Where a total may sit (inferred), at the top or inside `pagination`/`page`. */
const TOTAL_FIELDS = ['total', 'totalSize', 'totalCount', 'totalElements', 'count'] as const;

function totalOf(value: unknown): number | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const o = value as Record<string, unknown>;
  for (const field of TOTAL_FIELDS) {
    const v = o[field];
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
    if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  }
  return totalOf(o.pagination) ?? totalOf(o.page);
}

/**
 * The IAM user list's `data`. Its shape is not documented beyond the user struct (inferred): a
 * bare array, or an object holding the array under one of {@link LIST_FIELDS}, with a total when
 * the answer is one page of several. `null` is an empty list.
 */
export const orgUsersSchema = z
  .unknown()
  .transform((data, ctx): { list: unknown[]; total?: number } => {
    if (data === null || data === undefined) return { list: [] };
    if (Array.isArray(data)) return { list: data };
    if (typeof data === 'object') {
      const o = data as Record<string, unknown>;
      const field = LIST_FIELDS.find((f) => Array.isArray(o[f]));
      if (field) {
        const total = totalOf(o);
        return { list: o[field] as unknown[], ...(total === undefined ? {} : { total }) };
      }
    }
    ctx.addIssue({ code: 'custom', message: 'expected a list of users, or an object holding one' });
    return z.NEVER;
  })
  .pipe(
    z.object({ list: z.array(orgUserSchema), total: z.number().optional() }).transform((page) => ({
      users: page.list,
      ...(page.total === undefined ? {} : { total: page.total }),
    })),
  );

/** The token service's answer (token/get and token/refresh). */
export const tokenAnswerSchema = z.object({
  status: integer,
  msg: optionalText,
  data: z
    .object({
      accessToken: z.string().min(1),
      // Seconds of lifetime left (inferred: asking again before expiry returns the same token).
      expire: z.number().positive(),
    })
    .nullish(),
});

/** Get Task Instance Log's `data`: `{log}`; a missing or `null` log is an empty one. */
export const taskLogSchema = z.object({ log: z.string().nullish() }).transform((d): string => d.log ?? '');

/**
 * Get Time Zone's `data`: `{timezone: "GMT+8"}`. A bare string is accepted too (inferred: the
 * docs show one shape, and a client that breaks on the other would lose the zone).
 */
export const timeZoneSchema = z
  .union([z.object({ timezone: z.string().trim().min(1) }), z.string().trim().min(1)])
  .transform((d): string => (typeof d === 'string' ? d : d.timezone));

/** Get Current Time's `data`: epoch milliseconds (a numeric string is accepted too). */
export const currentTimeSchema = integer.refine((ms) => ms > 0, { error: 'expected epoch milliseconds' });

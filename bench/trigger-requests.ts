/**
 * The signed `/flow-trigger` requests the benchmark sends, shared by the load generator (a child
 * process) and the end-to-end measurement (the bench process). Request `n` of a plan is always the
 * same trigger: user, flow and a `RUN=<tag>-<n>` parameter that makes it unique, so that the app's
 * duplicate guard and EnOS's "same flow within 60 s" rule never turn the measured work into a refusal.
 */
import { join } from 'node:path';
import {
  DEFAULT_CHANNEL_ID,
  DEFAULT_TEAM_ID,
  signSlackRequest,
  slashCommandForm,
} from '../test/helpers/slack-requests';

export const ROOT = join(__dirname, '..');
export const SIGNING_SECRET = 'bench-signing-secret-5f1c2a9e7d';
export const BOT_TOKEN = 'xoxb-bench-0000000000-token';
export const ORG_ID = 'o15578227985571';
export const TEAM_ID = DEFAULT_TEAM_ID;
export const CHANNEL_ID = DEFAULT_CHANNEL_ID;

/** Which users and flows a run uses. Flow `flowBase + i` is owned by user `i % users`. */
export interface TriggerPlan {
  /** Linked Slack users (each an EnOS user owning its share of the flows). */
  users: number;
  /** First flow id. */
  flowBase: number;
  /** Flows the requests cycle through: request n triggers flow `flowBase + n % flows`. */
  flows: number;
  /** Prefix of the RUN parameter, unique per run. */
  runTag: string;
  /** The fake Slack's response URL (loopback): never a real hooks.slack.com address. */
  responseUrl: string;
}

export const benchSlackUserId = (i: number): string => `UBENCH${String(i).padStart(5, '0')}`;
export const benchEnosUserId = (i: number): string => `u${9_100_000_000 + i}`;
export const benchEnosUserName = (i: number): string => `bench-${i}`;

/** What request `n` of `plan` asks for. */
export function triggerOf(plan: TriggerPlan, n: number) {
  const flowIndex = n % plan.flows;
  const user = flowIndex % plan.users;
  const flowId = plan.flowBase + flowIndex;
  const tag = `${plan.runTag}-${n}`;
  return {
    tag,
    flowId,
    slackUserId: benchSlackUserId(user),
    text: `${flowId} REPLACE=ddee RUN=${tag}`,
  };
}

/** Request `n` as Slack would send it: form body, signed now (Bolt refuses timestamps older than 5 min). */
export function signedTrigger(
  plan: TriggerPlan,
  n: number,
): { tag: string; body: string; headers: Record<string, string> } {
  const trigger = triggerOf(plan, n);
  // slashCommandForm gives every request a fresh trigger_id: the app drops a repeated one.
  const body = new URLSearchParams(
    slashCommandForm({
      text: trigger.text,
      user_id: trigger.slackUserId,
      team_id: TEAM_ID,
      channel_id: CHANNEL_ID,
      response_url: plan.responseUrl,
    }),
  ).toString();
  const timestamp = Math.floor(Date.now() / 1000);
  return {
    tag: trigger.tag,
    body,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signSlackRequest(SIGNING_SECRET, timestamp, body),
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    },
  };
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

/** The median (mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export function summarize(values: readonly number[]): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.length > 0 ? (sorted[sorted.length - 1] as number) : Number.NaN,
    mean: sorted.length > 0 ? sum / sorted.length : Number.NaN,
  };
}

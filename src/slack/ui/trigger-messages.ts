import { EnosApiError, type FlowTriggerError } from '../../core/errors';
import type {
  Announcement,
  FlowParameter,
  PrivateNotice,
  RefusalReason,
  TriggerResult,
} from '../../core/ports';
import { inertMessage, inertMrkdwn } from './inert-text';
import { code, messageUrl, slackDate, userMention } from './mrkdwn';
import { runActions } from './run-actions';
import { fitList, shorten, shortenPlain } from './slack-limits';
import { context, type SlackMessage, section, textMessage } from './slack-message';

/** Characters of an EnOS name shown: a 3,000-character flow name must leave room for the sentence. */
const SHOWN_NAME = 200;

/** `3377 · Daily load`, or `3377` when the name is unknown. */
export function flowLabel(flowId: number, flowName?: string): string {
  return flowName ? `*${flowId}* · ${inertMrkdwn(shortenPlain(flowName, SHOWN_NAME))}` : `*${flowId}*`;
}

/** A flow's owners as code spans, as many as fit, then "… and N more". */
export function ownerList(owners: readonly string[]): string {
  return fitList(
    owners.map((o) => code(shortenPlain(o, SHOWN_NAME))),
    ', ',
    1500,
  );
}

/** Characters of one `KEY=VALUE` shown; the run gets the whole value, the thread a readable part. */
const SHOWN_PARAMETER = 300;

export function parameterList(parameters: FlowParameter[]): string {
  if (parameters.length === 0) return 'no parameter changes';
  const shown = parameters.map((p) => code(shortenPlain(`${p.key}=${p.value}`, SHOWN_PARAMETER)));
  return fitList(shown, ' ', 2000);
}

/** The parent message: who triggers which flow, when, with what. Every outcome goes in its thread. */
export function announcementMessage(a: Announcement): SlackMessage {
  const when = a.time.immediate
    ? `now (${slackDate(a.time.epochMs, `${a.time.local} ${a.time.zone}`)})`
    : `at ${slackDate(a.time.epochMs, `${a.time.local} ${a.time.zone}`)} (${inertMrkdwn(a.time.local)} ${code(a.time.zone)})`;
  const lines = [
    `${userMention(a.slackUserId)} is triggering flow ${flowLabel(a.flowId, a.flowName)} ${when}`,
    `Parameters for this run: ${parameterList(a.parameters)}`,
  ];
  if (a.time.backdated) {
    lines.push(
      ':rewind: Back-dated: EnOS starts the run at once and computes its time parameters (`${cal_dt}` …) from that time.',
    );
  }
  return {
    text: `${userMention(a.slackUserId)} is triggering EnOS flow ${a.flowId}${a.flowName ? ` (${inertMrkdwn(shortenPlain(a.flowName, SHOWN_NAME))})` : ''}`,
    blocks: [
      section(lines.join('\n')),
      context(
        `EnOS user ${code(a.identity.userName)} (${code(a.identity.userId)}, org ${code(a.identity.orgId)})`,
      ),
    ],
  };
}

/** Said once, above a result that goes privately to the caller because the bot cannot post in the channel. */
export function privateFallbackMessage(a: Announcement): SlackMessage {
  const parent = announcementMessage(a);
  return {
    text: `I can’t post in this conversation, so the result of flow ${a.flowId} comes to you privately.`,
    blocks: [
      section(
        ':lock: I can’t post in this conversation (I am not a member, or it is a DM I cannot reach), so the ' +
          'result comes to you privately and the channel sees nothing. To keep the channel’s audit trail, ' +
          'invite me with `/invite @flow-trigger` and trigger again next time.',
      ),
      ...parent.blocks,
    ],
  };
}

function enosReference(error: FlowTriggerError | undefined): string[] {
  if (error instanceof EnosApiError) {
    return [`EnOS code ${error.enosCode}: ${inertMrkdwn(error.enosMessage)}`];
  }
  return error ? [`Error: ${error.code}`] : [];
}

export function refusalText(result: Extract<TriggerResult, { kind: 'refused' }>): string {
  return `:no_entry: Not triggered. ${refusalReason(result)}`;
}

/** Why a trigger was (or would be) refused, and what to do; the preview says it too. */
export function refusalReason(result: Extract<TriggerResult, { kind: 'refused' }>): string {
  const flow = flowLabel(result.flowId, result.flow?.flowName);
  const user = code(result.identity.userName);
  const reasons: Record<RefusalReason, () => string> = {
    'flow-not-found': () =>
      `Flow ${flow} was not found in EnOS organization ${code(result.identity.orgId)}, or your EnOS user ${user} ` +
      'cannot see it. Check the flow id; `/flow-trigger` with no text lists the flows you own.',
    'no-access': () =>
      `Your EnOS user ${user} has no privilege to read flow ${flow}. Ask one of its owners to add you as an owner.`,
    'user-locked': () =>
      `Your EnOS account ${user} is locked. Ask your EnOS organization administrator to unlock it, then try again.`,
    'flow-locked': () =>
      `Flow ${flow} is locked in EnOS, so it cannot be triggered. Ask its owners ` +
      `(${ownersOf(result)}) to unlock it, then try again.`,
    'not-owner': () =>
      `Your EnOS user ${user} is not an owner of flow ${flow}, and only owners may trigger it. Its owners: ` +
      `${ownersOf(result)}. Ask one of them to add you as an owner, or to trigger it.`,
    'no-tasks': () =>
      `Flow ${flow} has no task, so EnOS cannot run it. Add a task to the flow in EnOS first.`,
  };
  return reasons[result.reason]();
}

function ownersOf(result: Extract<TriggerResult, { kind: 'refused' }>): string {
  const owners = result.flow?.owners ?? [];
  return owners.length > 0 ? ownerList(owners) : 'none listed';
}

/** The thread reply: the instance ID, or what went wrong and what to do. */
export function resultMessage(result: TriggerResult, a: Announcement): SlackMessage {
  switch (result.kind) {
    case 'triggered': {
      const when = result.time.immediate
        ? 'EnOS is starting it now.'
        : result.time.backdated
          ? 'It is back-dated, so EnOS starts it at once.'
          : `EnOS will start it ${slackDate(result.time.epochMs, `${result.time.local} ${result.time.zone}`)}.`;
      // The buttons are the run's (run-actions.ts); the run watcher keeps this message current.
      return textMessage(
        `:white_check_mark: Triggered flow ${flowLabel(a.flowId, result.flow.flowName)}. Flow instance ID: ${code(result.instanceId)}`,
        section(when),
        runActions(a.attemptId, { cancel: true }),
      );
    }
    case 'refused': {
      const ref = enosReference(result.error);
      return ref.length > 0
        ? textMessage(refusalText(result), context(...ref))
        : textMessage(refusalText(result));
    }
    case 'failed':
      return textMessage(
        `:x: Not triggered. ${inertMessage(result.error.userMessage)}`,
        context(...enosReference(result.error)),
      );
    case 'unknown':
      return textMessage(
        `:warning: Flow ${flowLabel(a.flowId)} may or may not have been triggered. ${inertMessage(result.error.userMessage)}`,
        context(...enosReference(result.error)),
      );
  }
}

/** Private notices: no trigger attempt happened, so only the caller sees them. */
export function noticeMessage(notice: PrivateNotice, where: { teamDomain?: string }): SlackMessage {
  switch (notice.kind) {
    case 'not-linked': {
      const admins =
        notice.admins.length > 0
          ? `Ask an admin (${notice.admins.map(userMention).join(', ')}) to link you with ` +
            '`/flow-trigger link @you <enosUserId> <enosUserName>`.'
          : 'No flow-trigger admins are configured: ask whoever runs flow-trigger to set FLOW_TRIGGER_ADMINS.';
      const self = notice.selfLink
        ? ' Or link yourself with `/flow-trigger link me` (by your Slack email).'
        : '';
      return textMessage(
        `:link: Your Slack account is not linked to an EnOS user yet, so I cannot trigger flows for you. ${admins}${self}`,
      );
    }
    case 'time-invalid':
      return textMessage(`:clock3: ${inertMessage(notice.message)} Nothing was triggered.`);
    case 'duplicate': {
      const e = notice.earlier;
      const link =
        e.channelId && e.threadTs && !e.private
          ? ` See <${messageUrl(where.teamDomain, e.channelId, e.threadTs)}|the earlier thread>.`
          : e.private
            ? ' Its result was sent to you privately.'
            : ' Its result will appear shortly.';
      return textMessage(
        `:repeat: You already triggered flow *${notice.flowId}* with the same time and parameters less than a ` +
          `minute ago, so I did not send it again (EnOS would refuse it anyway).${link} If you really want ` +
          'another run, wait a minute or change the time or a parameter.',
      );
    }
    case 'store-failed':
      return textMessage(`:x: ${inertMessage(notice.error.userMessage)}`);
    case 'policy-refused':
      return policyRefusedMessage(notice);
  }
}

/**
 * A policy refusal. `why` and `how` come from checkPolicy: rule names already inert, channels and
 * people as mentions; shortened to Slack's limits.
 */
export function policyRefusedMessage(notice: { flowId: number; why: string; how: string }): SlackMessage {
  return textMessage(
    shorten(`:no_entry: ${notice.why} ${notice.how} Flow *${notice.flowId}* was not triggered.`),
  );
}

/** A parse error of the slash command text. */
export function usageErrorMessage(message: string): SlackMessage {
  return textMessage(
    `:warning: ${inertMessage(message)} Type \`/flow-trigger help\` for usage. Nothing was triggered.`,
  );
}

/** The parent message could not be posted because Slack's API failed: nothing was triggered. */
export function slackUnreachableMessage(flowId: number): SlackMessage {
  return textMessage(
    `:x: I could not post the request for flow *${flowId}* in Slack, so nothing was triggered. ` +
      'Slack’s API may be having trouble: try again in a minute.',
  );
}

/** An unexpected failure: said instead of silence, details in the log under `ref`. */
export function unexpectedErrorMessage(ref: string): SlackMessage {
  return textMessage(
    `:x: Something unexpected went wrong in flow-trigger. If a thread was started, check it before trying again. ` +
      `Tell the flow-trigger maintainers this reference: ${code(ref)}.`,
  );
}

/**
 * The trigger queue is full (TRIGGER_QUEUE_LIMIT): said in the ack, before anything is claimed,
 * so that running the command again later is safe.
 */
export function busyText(waiting: number): string {
  const queue = waiting > 0 ? ` (${waiting} waiting for their turn)` : '';
  return (
    `flow-trigger is busy with other triggers${queue} and takes no more for now. Nothing was triggered. ` +
    'Try again in a minute; if this keeps happening, tell the flow-trigger maintainers.'
  );
}

export function busyMessage(waiting: number): SlackMessage {
  return textMessage(`:hourglass: ${busyText(waiting)}`);
}

/**
 * The caller's own share of the trigger queue is full (TRIGGER_QUEUE_PER_USER): said like the busy
 * answer, before anything is claimed. It is theirs alone: everyone else's triggers are still taken.
 */
export function shareFullText(waiting: number): string {
  return (
    `You already have ${waiting} trigger${waiting === 1 ? '' : 's'} waiting for their turn: your whole share of ` +
    'flow-trigger’s queue, so I took no more from you for now. Nothing was triggered. ' +
    'Try again once some of yours have run.'
  );
}

export function shareFullMessage(waiting: number): SlackMessage {
  return textMessage(`:hourglass: ${shareFullText(waiting)}`);
}

/**
 * The form's inline answer to a caller with no link: plain text, where a mention would show as
 * `<@U…>`, so it names the command that lists the admins instead of the admins themselves.
 */
export function notLinkedInlineText(selfLink: boolean): string {
  const self = selfLink ? ' Or link yourself with “/flow-trigger link me” (by your Slack email).' : '';
  return (
    'Your Slack account is not linked to an EnOS user yet, so I cannot trigger flows for you. Nothing was ' +
    `triggered. “/flow-trigger whoami” names the admins who can link you.${self}`
  );
}

/** A queued trigger that never started before the app stopped (a restart or a deployment). */
export function abandonedMessage(flowId?: number): SlackMessage {
  const what = flowId === undefined ? 'your trigger' : `your trigger of flow *${flowId}*`;
  return textMessage(
    `:x: flow-trigger was restarting before ${what} got its turn, so nothing was triggered. Try again.`,
  );
}

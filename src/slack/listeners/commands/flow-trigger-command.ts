import type { AllMiddlewareArgs, RespondArguments, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { claimKey } from '../../../core/claim-key';
import { FlowTriggerError } from '../../../core/errors';
import { linkUser, listLinks, unlinkUser } from '../../../core/manage-links';
import { type ParsedCommand, parseCommand } from '../../../core/parse-command';
import { checkCallerLink } from '../../admit-trigger';
import type { CommandDeps } from '../../app-deps';
import { claimDelivery } from '../../claim-delivery';
import { enqueueJob } from '../../job-runner';
import { acceptTrigger, type Intake, withdrawTrigger } from '../../trigger-from-slack';
import { backfillsMessage, backfillsNotLinkedMessage } from '../../ui/backfills-message';
import { helpMessage } from '../../ui/help-message';
import { historyMessage, historyNotLinkedMessage } from '../../ui/history-message';
import { inertMessage } from '../../ui/inert-text';
import { linkResultMessage, whoamiMessage } from '../../ui/link-messages';
import type { SlackMessage } from '../../ui/slack-message';
import { textMessage } from '../../ui/slack-message';
import {
  busyMessage,
  noticeMessage,
  shareFullMessage,
  unexpectedErrorMessage,
  usageErrorMessage,
} from '../../ui/trigger-messages';
import { openTriggerModal } from '../views/open-trigger-modal';
import { answerBackfillPreview } from './answer-backfill-preview';
import { answerLinkSelf } from './answer-link-self';
import { answerPolicy } from './answer-policy';
import { answerPreview } from './answer-preview';
import { answerRunStatus } from './answer-run-status';

type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

/** `/flow-trigger history`: the caller's and this conversation's last attempts (or of one flow). */
const HISTORY_LENGTH = 10;
/** `/flow-trigger backfills`: at most this many active backfills are read (one per flow at a time). */
const BACKFILLS_LISTED = 100;

const ephemeral = (message: SlackMessage): RespondArguments => ({
  response_type: 'ephemeral',
  replace_original: false,
  ...message,
});

/**
 * `/flow-trigger …`. Parsing is pure and fast, so usage errors and help go back in the ack itself;
 * everything that does I/O runs after the ack (Slack's limit is 3 s), tracked as in-flight work so
 * that shutdown lets it finish. Triggers wait for a turn in the trigger queue; when the caller is
 * not linked, or the queue or their share of it is full, the ack itself says so.
 */
export function flowTriggerCommand(deps: CommandDeps) {
  return async ({ command, ack, respond, client, body }: CommandArgs): Promise<void> => {
    const parsed = parseCommand(command.text ?? '');
    if (!parsed.ok) {
      await ack(ephemeral(usageErrorMessage(parsed.error.message)));
      return;
    }
    const cmd = parsed.command;
    if (cmd.kind === 'help') {
      await ack(ephemeral(helpMessage(deps.admins, deps.selfLink)));
      return;
    }
    if (cmd.kind === 'modal') {
      await ack();
      const log = deps.logger.child({ team: command.team_id, user: command.user_id, command: cmd.kind });
      // views.open comes first, before any store or Slack call: the trigger_id lives 3 s. A
      // redelivered command needs no claim: its trigger_id is spent, so views.open refuses it.
      await deps.inFlight.run(() =>
        openTriggerModal(deps, {
          client,
          triggerId: command.trigger_id,
          teamId: command.team_id,
          slackUserId: command.user_id,
          channelId: command.channel_id,
          log,
        }),
      );
      return;
    }
    const work = async () => {
      // Made here, after the ack: a child logger costs a redaction pass over its bindings.
      const log = deps.logger.child({ team: command.team_id, user: command.user_id, command: cmd.kind });
      try {
        // Socket Mode redelivers an envelope it thinks was lost; trigger_id is unique per invocation.
        const first = await claimDelivery(deps.claims, 'command', command.team_id, command.trigger_id);
        if (!first) {
          log.info({ trigger_id: command.trigger_id }, 'redelivered command ignored');
          return;
        }
        await runCommand(deps, cmd, { command, respond, client, teamDomain: body.team_domain, log });
      } catch (error) {
        const ref = deps.newId();
        log.error({ err: error, ref }, 'command failed');
        const message =
          error instanceof FlowTriggerError
            ? textMessage(`:x: ${inertMessage(error.userMessage)}`)
            : unexpectedErrorMessage(ref);
        await respond(ephemeral(message)).catch((err: unknown) =>
          log.error({ err, ref }, 'could not tell the caller about the failure'),
        );
      }
    };
    if (cmd.kind !== 'trigger') {
      await ack();
      await deps.inFlight.run(work);
      return;
    }
    // A caller with no link is answered in the ack, and nothing is recorded or queued. Any other
    // trigger is a job in the store BEFORE the ack (src/slack/trigger-from-slack.ts): once Slack has
    // its ack, a crash cannot lose it. It then waits for its caller's turn (TRIGGER_CONCURRENCY);
    // when the queue, or the caller's share of it, is full, the ack says so and the job is
    // withdrawn, so running the command again later is safe.
    const admission = await checkCallerLink(deps, { teamId: command.team_id, slackUserId: command.user_id });
    if (admission.kind === 'not-linked') {
      await ack(
        ephemeral(noticeMessage({ kind: 'not-linked', admins: deps.admins, selfLink: deps.selfLink }, {})),
      );
      return;
    }
    if (admission.kind === 'store-failed') {
      await ack(ephemeral(noticeMessage({ kind: 'store-failed', error: admission.error }, {})));
      return;
    }
    const log = deps.logger;
    let intake: Intake;
    try {
      intake = await acceptTrigger(
        deps,
        {
          teamId: command.team_id,
          slackUserId: command.user_id,
          channelId: command.channel_id,
          teamDomain: body.team_domain,
          responseUrl: command.response_url,
          // Socket Mode redelivers an envelope it thinks was lost; trigger_id is unique per invocation.
          deliveryKey: claimKey('command', command.team_id, command.trigger_id),
          source: 'command',
        },
        { flowId: cmd.flowId, when: cmd.when, parameters: cmd.parameters },
      );
    } catch (error) {
      const ref = deps.newId();
      log.error(
        { err: error, ref, team: command.team_id, user: command.user_id },
        'could not record a trigger request',
      );
      await ack(ephemeral(notRecordedMessage(error, ref)));
      return;
    }
    if (intake.kind === 'redelivered') {
      log.info({ team: command.team_id, trigger_id: command.trigger_id }, 'redelivered command ignored');
      await ack();
      return;
    }
    // The listener does not wait for the work: Bolt then lets go of the request while the trigger
    // waits for its turn. inFlight tracks it, and shutdown waits for it.
    const enqueued = enqueueJob(deps, intake.job, log);
    if (!enqueued.queued) {
      await withdrawTrigger(deps, intake.job);
      if (enqueued.reason === 'share-full') {
        // Logged once per flood by the queue (onShareOverload), not once per request.
        await ack(ephemeral(shareFullMessage(enqueued.waiting)));
        return;
      }
      log.info(
        { team: command.team_id, user: command.user_id, flowId: cmd.flowId, waiting: enqueued.waiting },
        'trigger refused: the queue is full',
      );
      await ack(ephemeral(busyMessage(enqueued.waiting)));
      return;
    }
    await ack();
  };
}

/** The store could not record the request: nothing was accepted, and the ack says so. */
function notRecordedMessage(error: unknown, ref: string): SlackMessage {
  return error instanceof FlowTriggerError
    ? textMessage(`:x: ${inertMessage(error.userMessage)}`)
    : unexpectedErrorMessage(ref);
}

interface CommandContext {
  command: CommandArgs['command'];
  respond: CommandArgs['respond'];
  client: CommandArgs['client'];
  teamDomain?: string;
  log: CommandDeps['logger'];
}

async function runCommand(deps: CommandDeps, cmd: ParsedCommand, ctx: CommandContext): Promise<void> {
  const { command, respond } = ctx;
  const teamId = command.team_id;
  const actorId = command.user_id;
  const linkDeps = {
    links: deps.links,
    clock: deps.clock,
    admins: deps.admins,
    defaultOrgId: deps.defaultOrgId,
  };
  switch (cmd.kind) {
    case 'trigger':
      // Accepted as a job before the ack (above), never run from here.
      return;
    case 'whoami': {
      const link = await deps.links.get(teamId, actorId);
      await respond(ephemeral(whoamiMessage(link, deps.admins, deps.selfLink)));
      return;
    }
    case 'link':
      await respond(
        ephemeral(
          linkResultMessage(
            await linkUser(linkDeps, {
              teamId,
              actorId,
              slackUserId: cmd.slackUserId,
              enosUserId: cmd.enosUserId,
              enosUserName: cmd.enosUserName,
              orgId: cmd.orgId,
            }),
          ),
        ),
      );
      return;
    case 'unlink':
      await respond(
        ephemeral(
          linkResultMessage(await unlinkUser(linkDeps, { teamId, actorId, slackUserId: cmd.slackUserId })),
        ),
      );
      return;
    case 'links':
      await respond(ephemeral(linkResultMessage(await listLinks(linkDeps, { teamId, actorId }))));
      return;
    case 'link-self':
      await respond(
        ephemeral(
          await answerLinkSelf(deps, { teamId, slackUserId: actorId, client: ctx.client, log: ctx.log }),
        ),
      );
      return;
    case 'status':
      await respond(ephemeral(await answerRunStatus(deps, { teamId, slackUserId: actorId }, cmd.instanceId)));
      return;
    case 'backfill':
      await respond(
        ephemeral(
          await answerBackfillPreview(
            deps,
            { teamId, slackUserId: actorId, channelId: command.channel_id },
            cmd.backfill,
          ),
        ),
      );
      return;
    case 'history': {
      // History shows threads and who triggered what: only to someone who may trigger flows.
      const link = await deps.links.get(teamId, actorId);
      if (!link) {
        await respond(ephemeral(historyNotLinkedMessage(deps.admins, deps.selfLink)));
        return;
      }
      const records = await deps.audit.listVisible(teamId, {
        slackUserId: actorId,
        channelId: command.channel_id,
        flowId: cmd.flowId,
        limit: HISTORY_LENGTH,
      });
      await respond(
        ephemeral(
          historyMessage(records, { flowId: cmd.flowId, teamDomain: ctx.teamDomain, limit: HISTORY_LENGTH }),
        ),
      );
      return;
    }
    case 'preview':
      await respond(
        ephemeral(
          await answerPreview(deps, {
            teamId,
            slackUserId: actorId,
            channelId: command.channel_id,
            flowId: cmd.flowId,
            when: cmd.when,
            parameters: cmd.parameters,
          }),
        ),
      );
      return;
    case 'policy':
      await respond(ephemeral(await answerPolicy(deps, { teamId, slackUserId: actorId }, cmd.flowId)));
      return;
    case 'backfills': {
      // Like history: who started what, and threads, only to someone who may trigger flows.
      const link = await deps.links.get(teamId, actorId);
      if (!link) {
        await respond(ephemeral(backfillsNotLinkedMessage(deps.admins, deps.selfLink)));
        return;
      }
      const records = await deps.backfills.listActive(teamId, BACKFILLS_LISTED);
      await respond(ephemeral(backfillsMessage(records, { teamDomain: ctx.teamDomain })));
      return;
    }
    case 'help':
    case 'modal':
      return;
  }
}

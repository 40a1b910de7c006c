import { PolicyLookupError } from '../../../core/policy/decide-policy';
import { describePolicy } from '../../../core/policy/describe-policy';
import { checkFailure } from '../../../core/trigger-flow';
import type { CommandDeps } from '../../app-deps';
import { slackPolicyLabels } from '../../check-policy';
import { NO_POLICY } from '../../policy-gate';
import { inertCode, inertMessage } from '../../ui/inert-text';
import { SLACK_LIMITS, sectionsOf } from '../../ui/slack-limits';
import { type SlackMessage, textMessage } from '../../ui/slack-message';
import { noticeMessage } from '../../ui/trigger-messages';

/**
 * `/flow-trigger policy [flowId]`, privately: which rule applies to the caller and what it allows,
 * requires or forbids. With a flow, Get Flow as the caller first: the rules match EnOS's flow name.
 */
export async function answerPolicy(
  deps: CommandDeps,
  who: { teamId: string; slackUserId: string },
  flowId: number | undefined,
): Promise<SlackMessage> {
  const gate = deps.policy ?? NO_POLICY;
  let flow: { flowId: number; flowName: string } | undefined;
  if (flowId !== undefined && gate.current()) {
    const link = await deps.links.get(who.teamId, who.slackUserId);
    if (!link) return noticeMessage({ kind: 'not-linked', admins: deps.admins, selfLink: deps.selfLink }, {});
    try {
      const read = await deps.enos.getFlow(link, flowId);
      flow = { flowId, flowName: read.flowName };
    } catch (error) {
      const failure = checkFailure(error, flowId, link);
      if (failure.kind !== 'refused' && failure.kind !== 'failed') throw error;
      const why =
        failure.kind === 'failed'
          ? inertMessage(failure.error.userMessage)
          : `Flow *${flowId}* was not found in EnOS, or your EnOS user ${inertCode(link.userName)} cannot read it.`;
      // The rules match the flow's name in EnOS: without it, no rule can be named.
      return textMessage(
        `:grey_question: ${why} I cannot say which policy rule applies to it. ` +
          '`/flow-trigger policy` without a flow id lists every rule.',
      );
    }
  }
  try {
    const description = await describePolicy(
      gate.current(),
      { ...(flow ? { flow } : {}), userId: who.slackUserId },
      gate.groupMembers,
      slackPolicyLabels,
    );
    const [first = '', ...rest] = description.lines;
    const message = textMessage(`:scroll: ${first}`);
    return {
      text: message.text,
      blocks: [...message.blocks, ...sectionsOf(rest, SLACK_LIMITS.messageBlocks - 1)],
    };
  } catch (error) {
    if (error instanceof PolicyLookupError) return textMessage(`:x: ${inertMessage(error.userMessage)}`);
    throw error;
  }
}

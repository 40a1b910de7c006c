import type { WhenSpec } from '../../../core/parse-when';
import type { FlowParameter } from '../../../core/ports';
import { type PreviewDeps, type PreviewOutcome, previewRequest } from '../../../core/preview-request';
import type { TriggerPathDeps } from '../../app-deps';
import { approvalNeeded, policyRefusalCheck } from '../../check-policy';
import { inertMessage } from '../../ui/inert-text';
import { PREVIEW_TTL_MINUTES, previewMessage } from '../../ui/preview-message';
import { type SlackMessage, textMessage } from '../../ui/slack-message';
import { noticeMessage, policyRefusedMessage, refusalReason } from '../../ui/trigger-messages';

/** How long a preview's Trigger button works (docs/product.md: 15 minutes). */
export const PREVIEW_TTL_MS = PREVIEW_TTL_MINUTES * 60_000;

/** What is previewed, for whom, from where. */
export interface PreviewAskFromSlack {
  teamId: string;
  slackUserId: string;
  channelId: string;
  flowId: number;
  when: WhenSpec;
  parameters: FlowParameter[];
}

/** The preview use case's collaborators: no way to Update And Trigger among them. */
export function previewDepsFrom(deps: TriggerPathDeps): PreviewDeps {
  return {
    links: deps.links,
    claims: deps.claims,
    enos: { getFlow: (caller, flowId) => deps.enos.getFlow(caller, flowId) },
    clock: deps.clock,
    zoneOf: deps.zoneOf,
    serverZone: deps.enosServerZone ?? 'UTC',
    calDtOffsetDays: deps.backfill?.calDtOffsetDays ?? 1,
    checkPolicy: policyRefusalCheck(deps),
  };
}

/**
 * `/flow-trigger preview …`: the checks and the exact request, for the caller only. A preview
 * that passes its checks is kept in the store for its Trigger button. Throws a StoreError when it
 * cannot be kept (the command says so).
 */
export async function answerPreview(deps: TriggerPathDeps, ask: PreviewAskFromSlack): Promise<SlackMessage> {
  const outcome = await previewRequest(previewDepsFrom(deps), ask);
  const previewId = outcome.kind === 'preview' ? deps.newId() : '';
  // Only a request that would pass its checks gets a Trigger button, so only that one is kept.
  if (outcome.kind === 'preview' && outcome.preview.check.ok) {
    const { preview } = outcome;
    await deps.previews.put(
      {
        id: previewId,
        teamId: ask.teamId,
        slackUserId: ask.slackUserId,
        channelId: ask.channelId,
        flowId: preview.flowId,
        when: outcome.when,
        ...(preview.time.resolvedAgainAtClick ? {} : { pinnedEpochMs: preview.time.epochMs }),
        backdated: preview.time.backdated,
        parameters: ask.parameters,
        createdAt: deps.clock(),
      },
      PREVIEW_TTL_MS,
    );
  }
  // A lookup that fails here only loses the note: the Trigger checks the policy again.
  const approval =
    outcome.kind === 'preview' && outcome.preview.check.ok
      ? await approvalNeeded(deps, {
          flow: { flowId: outcome.preview.flowId, flowName: outcome.flow.flowName },
          slackUserId: ask.slackUserId,
          conversationId: ask.channelId,
        }).catch(() => undefined)
      : undefined;
  return previewAnswer(outcome, {
    flowId: ask.flowId,
    previewId,
    admins: deps.admins,
    selfLink: deps.selfLink,
    serverZone: deps.enosServerZone ?? 'UTC',
    ...(approval ? { approval } : {}),
  });
}

/**
 * A preview's outcome in words: the one wording of Slack's `preview …` and the console's (which
 * shows it as plain lines, without the button).
 */
export function previewAnswer(
  outcome: PreviewOutcome,
  options: {
    flowId: number;
    /** What the Trigger button carries. */
    previewId: string;
    admins: string[];
    selfLink: boolean;
    serverZone: string;
    /** The policy's approval summary, when a trigger of this flow needs approval. */
    approval?: string;
  },
): SlackMessage {
  switch (outcome.kind) {
    case 'not-linked':
      return noticeMessage({ kind: 'not-linked', admins: options.admins, selfLink: options.selfLink }, {});
    case 'time-invalid':
      return textMessage(`:clock3: ${inertMessage(outcome.message)} Nothing was previewed or triggered.`);
    case 'store-failed':
      return noticeMessage({ kind: 'store-failed', error: outcome.error }, {});
    case 'policy-refused':
      return policyRefusedMessage({ flowId: options.flowId, why: outcome.why, how: outcome.how });
    case 'check-failed': {
      const { result } = outcome;
      return result.kind === 'refused'
        ? textMessage(`:no_entry: It would not be triggered. ${refusalReason(result)}`)
        : textMessage(
            `:x: I could not check flow *${options.flowId}* in EnOS, so there is no preview. ${inertMessage(result.error.userMessage)}`,
          );
    }
    case 'preview':
      return previewMessage(outcome.preview, {
        previewId: options.previewId,
        identity: outcome.identity,
        flow: outcome.flow,
        ...(outcome.duplicate ? { duplicate: outcome.duplicate } : {}),
        serverZone: options.serverZone,
        ...(options.approval ? { approval: options.approval } : {}),
      });
  }
}

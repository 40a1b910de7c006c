import type { WhenSpec } from '../../../core/parse-when';
import type { FlowParameter } from '../../../core/ports';
import { type PreviewDeps, previewRequest } from '../../../core/preview-request';
import type { CommandDeps } from '../../app-deps';
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
export function previewDepsFrom(deps: CommandDeps): PreviewDeps {
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
export async function answerPreview(deps: CommandDeps, ask: PreviewAskFromSlack): Promise<SlackMessage> {
  const outcome = await previewRequest(previewDepsFrom(deps), ask);
  switch (outcome.kind) {
    case 'not-linked':
      return noticeMessage({ kind: 'not-linked', admins: deps.admins, selfLink: deps.selfLink }, {});
    case 'time-invalid':
      return textMessage(`:clock3: ${inertMessage(outcome.message)} Nothing was previewed or triggered.`);
    case 'store-failed':
      return noticeMessage({ kind: 'store-failed', error: outcome.error }, {});
    case 'policy-refused':
      return policyRefusedMessage({ flowId: ask.flowId, why: outcome.why, how: outcome.how });
    case 'check-failed': {
      const { result } = outcome;
      return result.kind === 'refused'
        ? textMessage(`:no_entry: It would not be triggered. ${refusalReason(result)}`)
        : textMessage(
            `:x: I could not check flow *${ask.flowId}* in EnOS, so there is no preview. ${inertMessage(result.error.userMessage)}`,
          );
    }
    case 'preview': {
      const previewId = deps.newId();
      const { preview } = outcome;
      // Only a request that would pass its checks gets a Trigger button, so only that one is kept.
      if (preview.check.ok) {
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
      const approval = preview.check.ok
        ? await approvalNeeded(deps, {
            flow: { flowId: preview.flowId, flowName: outcome.flow.flowName },
            slackUserId: ask.slackUserId,
            conversationId: ask.channelId,
          }).catch(() => undefined)
        : undefined;
      return previewMessage(preview, {
        previewId,
        identity: outcome.identity,
        flow: outcome.flow,
        ...(outcome.duplicate ? { duplicate: outcome.duplicate } : {}),
        ...(approval ? { approval } : {}),
        serverZone: deps.enosServerZone ?? 'UTC',
      });
    }
  }
}

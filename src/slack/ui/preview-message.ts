import type { types } from '@slack/bolt';
import type { EarlierAttempt, EnosIdentity, Flow } from '../../core/ports';
import type { TriggerPreview } from '../../core/preview-trigger';
import { PREVIEW_TRIGGER_ACTION } from '../ids';
import { inertCode } from './inert-text';
import { code } from './mrkdwn';
import { fitBlocks, SLACK_LIMITS, sectionsOf, shortenPlain } from './slack-limits';
import { context, type SlackMessage, section } from './slack-message';
import { flowLabel, refusalReason } from './trigger-messages';

/** Characters of one value shown; the request sends the whole value. */
const SHOWN_VALUE = 300;
/** How long the Trigger button works, as the preview says it. */
export const PREVIEW_TTL_MINUTES = 15;

function value(text: string): string {
  return inertCode(shortenPlain(text, SHOWN_VALUE));
}

/**
 * A preview, privately (docs/product.md, "Preview (dry run)"): the flow, the time three ways, `${cal_dt}`,
 * the parameters given (with the flow's value each replaces) and those left as they are, every
 * value verbatim as inert code; then what the checks say and a Trigger button that carries only
 * the preview's id. Nothing was sent, and the message says so.
 */
export function previewMessage(
  preview: TriggerPreview,
  options: {
    previewId: string;
    identity: EnosIdentity;
    flow: Flow;
    duplicate?: EarlierAttempt;
    serverZone: string;
    /** The policy's approval summary, when a trigger of this flow needs approval. */
    approval?: string;
  },
): SlackMessage {
  const { time } = preview;
  const flow = flowLabel(preview.flowId, preview.flowName);
  const when = time.resolvedAgainAtClick
    ? ' (now: resolved again when you click Trigger)'
    : time.backdated
      ? ' (back-dated: EnOS starts the run at once)'
      : '';
  const lines = [
    `:mag: *Preview* of flow ${flow}. Nothing was sent to EnOS.`,
    `*Trigger time:* ${inertCode(`${time.local} ${time.zone}`)} · ${inertCode(`${time.utc} UTC`)} · epoch ms ${code(String(time.epochMs))}${when}`,
    preview.calDt === undefined
      ? `*\${cal_dt}:* unknown: the server's zone ${inertCode(options.serverZone)} cannot be read.`
      : `*\${cal_dt}:* ${code(preview.calDt)} (the trigger date in the server's zone ${inertCode(preview.serverZone)}, minus the offset)`,
  ];
  const given = preview.given.map(
    (p) =>
      `• ${value(p.key)} = ${value(p.value)} ${
        p.replaces.kind === 'new'
          ? '(new: the flow has no such parameter)'
          : `replaces ${value(p.replaces.value)}`
      }`,
  );
  const unchanged = preview.unchanged.map((p) => `• ${value(p.key)} = ${value(p.value)}`);
  const blocks: types.KnownBlock[] = [section(lines.join('\n'))];
  blocks.push(section(given.length > 0 ? '*Parameters given:*' : '*Parameters given:* none'));
  if (given.length > 0) blocks.push(...sectionsOf(given, 15));
  blocks.push(
    section(unchanged.length > 0 ? '*Left as the flow has them:*' : '*Left as the flow has them:* none'),
  );
  if (unchanged.length > 0) blocks.push(...sectionsOf(unchanged, 15));
  if (options.duplicate) {
    blocks.push(
      section(
        `:repeat: You triggered this same request (flow, time and parameters) less than a minute ago ` +
          `(${inertCode(options.duplicate.requestedAt)}): triggering it now would be refused as a duplicate. ` +
          'Wait a minute, or change the time or a parameter.',
      ),
    );
  }
  if (!preview.check.ok) {
    blocks.push(
      section(
        `:no_entry: It would not be triggered. ${refusalReason({
          kind: 'refused',
          reason: preview.check.reason,
          flowId: preview.flowId,
          identity: options.identity,
          flow: options.flow,
        })}`,
      ),
    );
  } else {
    if (options.approval) {
      blocks.push(
        section(
          `:raised_hand: ${options.approval} *Trigger* posts the request for them in this conversation; nothing runs before it is approved.`,
        ),
      );
    }
    blocks.push({
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: PREVIEW_TRIGGER_ACTION,
          text: { type: 'plain_text', text: 'Trigger' },
          style: 'primary',
          value: options.previewId,
        },
      ],
    });
  }
  blocks.push(
    context(
      `EnOS user ${inertCode(options.identity.userName)} · The Trigger button sends exactly this request for ${PREVIEW_TTL_MINUTES} minutes; it runs every check again.`,
    ),
  );
  return {
    text: `Preview of flow ${preview.flowId}: nothing was sent`,
    blocks: fitBlocks(blocks, SLACK_LIMITS.messageBlocks),
  };
}

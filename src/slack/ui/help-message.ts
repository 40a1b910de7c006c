import { LIMITS } from '../../core/limits';
import { context, type SlackMessage, section } from './slack-message';

/** `/flow-trigger help`: the whole grammar with examples, shown only to the caller. */
export function helpMessage(admins: string[], selfLink: boolean): SlackMessage {
  const adminText =
    admins.length > 0 ? admins.map((id) => `<@${id}>`).join(', ') : 'nobody yet (set FLOW_TRIGGER_ADMINS)';
  return {
    text: 'flow-trigger: trigger an EnOS workflow from Slack',
    blocks: [
      section(
        '*Trigger an EnOS workflow*\n' +
          '`/flow-trigger <flowId> [when] [KEY=VALUE …]`\n' +
          '• `/flow-trigger 3377` runs flow 3377 now\n' +
          '• `/flow-trigger 3377 at 14:00 REPLACE=ddee` runs it at 14:00 today in your Slack time zone, ' +
          'with REPLACE=ddee for that run only\n' +
          '• `/flow-trigger` alone opens a form',
      ),
      section(
        '*When* (default: now)\n' +
          '• `now`\n' +
          '• `at 14:00`: today; refused if 14:00 has already passed\n' +
          '• `tomorrow at 14:00`, `at 14:00 tomorrow`, `tomorrow 14:00`\n' +
          '• `at 2026-11-30 14:00`, `on 2026-11-30 at 14:00`: a past date back-dates the run ' +
          '(EnOS runs it at once and computes `${cal_dt}` and friends from that date)\n' +
          '• `in 10m`, `in 2h`, `in 1h30m`\n' +
          '• add a zone to any of these: `at 14:00 Europe/Berlin`, `tomorrow 09:00 UTC`',
      ),
      section(
        '*Parameters*\n' +
          '`KEY=VALUE`, for this run only. Quote values with spaces: `NOTE="two words"` or `NOTE=\'two words\'`. ' +
          'Values pass through verbatim: `DAY=${cal_dt}` reaches EnOS as typed. A key may appear once.\n' +
          `Limits: ${LIMITS.maxParameters} parameters, keys up to ${LIMITS.maxKeyLength} characters ` +
          `(\`[A-Za-z_][A-Za-z0-9_.-]*\`), values up to ${LIMITS.maxValueLength} characters, ` +
          `${LIMITS.maxTextLength} characters in all.`,
      ),
      section(
        '*More*\n' +
          '• `/flow-trigger preview 3377 at 14:00 REPLACE=ddee`: every check and the exact request, nothing sent; then Trigger\n' +
          '• `/flow-trigger status <instanceId>`: how a run is doing, from EnOS\n' +
          '• `/flow-trigger history [flowId]`: the last 10 trigger attempts\n' +
          '• `/flow-trigger backfills`: the backfills in progress, with their threads\n' +
          '• `/flow-trigger policy [flowId]`: what the policy file lets you run, from where\n' +
          '• `/flow-trigger whoami`: your linked EnOS user\n' +
          (selfLink ? '• `/flow-trigger link me`: link yourself, by your Slack email\n' : '') +
          '• `/flow-trigger help`: this message',
      ),
      section(
        `*Admins* (${adminText})\n` +
          '• `/flow-trigger link @user <enosUserId> <enosUserName> [orgId]`\n' +
          '• `/flow-trigger unlink @user`\n' +
          '• `/flow-trigger links`',
      ),
      context(
        'The request, its thread and its outcome are posted in the channel: that is the team’s audit trail. ' +
          'The reply follows the run until it finishes, and its buttons cancel it, run it again, or edit and run it. ' +
          'The same request twice within a minute is not sent again.',
      ),
    ],
  };
}

import type { AuditRecord } from '../../core/ports';
import { runPhase } from '../../core/run-status';
import type { RunView } from '../../core/run-view';
import { code, messageUrl, userMention } from './mrkdwn';
import { instant, phaseBadge } from './run-status-text';
import { flowLabel } from './trigger-messages';

/**
 * One trigger attempt in a list (`history`, the Home tab): its outcome, and for a triggered run its
 * status, live when `live` is given, else as the watcher recorded it at the end.
 */
export function attemptBadge(record: AuditRecord, live?: RunView): string {
  switch (record.outcome) {
    case 'triggered':
      if (live) return phaseBadge(live.phase, live.status);
      if (record.run?.gaveUp) return ':zzz: *No longer watched*';
      if (record.run) return phaseBadge(runPhase(record.run.status, undefined, 0), record.run.status);
      return ':white_check_mark: *Triggered*';
    case 'refused':
      return `:no_entry: *Refused* (${record.error?.code ?? 'check failed'})`;
    case 'failed':
      return ':x: *Not triggered* (failed)';
    case 'unknown':
      return ':warning: *Maybe triggered* (check EnOS)';
    case 'duplicate':
      return ':repeat: *Duplicate*, not sent';
    case 'pending':
      return ':hourglass: *In progress*';
  }
}

/** Where to look: the instance ID and a link to the thread, when there are any. */
function whereLine(record: AuditRecord, teamDomain: string | undefined): string {
  const parts: string[] = [];
  if (record.instanceId) parts.push(`instance ${code(record.instanceId)}`);
  if (record.threadTs && !record.channelId.startsWith('D')) {
    parts.push(`<${messageUrl(teamDomain, record.channelId, record.threadTs)}|thread>`);
  }
  return parts.join(' · ');
}

/** Two lines of mrkdwn: what (a backfill run names its business date) and when (and who, with `who`), then where. */
export function attemptLine(
  record: AuditRecord,
  options: { live?: RunView; who?: boolean; teamDomain?: string } = {},
): string {
  const who = options.who ? ` by ${userMention(record.slackUserId)}` : '';
  // A run of a backfill (src/core/backfill.ts) says which business date it ran for.
  const backfill = record.backfill ? ` · backfill ${code(record.backfill.businessDate)}` : '';
  const first =
    `${attemptBadge(record, options.live)} · flow ${flowLabel(record.flowId, record.flowName)}${backfill}${who} · ` +
    `${instant(Date.parse(record.requestedAt))}`;
  const where = whereLine(record, options.teamDomain);
  return where === '' ? first : `${first}\n${where}`;
}

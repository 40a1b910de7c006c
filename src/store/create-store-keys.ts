/** The keys (and index names) the stores use, identical on both backends. */
export interface StoreKeys {
  /** One link record (keyv). */
  link(teamId: string, slackUserId: string): string;
  /** The team's link index: members are Slack user IDs. */
  linkIndex(teamId: string): string;
  /** One audit record (keyv). */
  audit(teamId: string, id: string): string;
  /** The team's audit index: members are record IDs, scored by requestedAt. */
  auditIndex(teamId: string): string;
  /** One user's audit index (history, the Home tab): members are record IDs, scored by requestedAt. */
  auditUserIndex(teamId: string, slackUserId: string): string;
  /** One conversation's audit index (history): members are record IDs, scored by requestedAt. */
  auditChannelIndex(teamId: string, channelId: string): string;
  /** Every team's records by age, for retention: members are `<team>:<id>` (each part encoded). */
  auditAgeIndex(): string;
  /** One claim (Redis string with PX / SQLite `claims` row). */
  claim(key: string): string;
  /** One run watch (keyv). */
  watch(instanceId: string): string;
  /** The watch list: members are instance IDs, scored by their next poll time. */
  watchIndex(): string;
  /** One trigger job (keyv). */
  job(id: string): string;
  /** The job list: members are job IDs, scored by the time recovery should look at them. */
  jobIndex(): string;
  /** One previewed trigger (keyv), for its Trigger button. */
  preview(teamId: string, id: string): string;
  /** One started backfill (keyv). */
  backfill(teamId: string, id: string): string;
  /** The active backfills of every team: members are `<team>:<id>` (each part encoded), scored by nextAt. */
  backfillDueIndex(): string;
  /** One team's active backfills: members are backfill IDs, scored by createdAt. */
  backfillActiveIndex(teamId: string): string;
  /** One planned backfill (keyv), for its Start button. */
  backfillPlan(teamId: string, id: string): string;
  /** One approval request (keyv). */
  approval(id: string): string;
  /** The pending approval requests: members are request IDs, scored by their deadline. */
  approvalIndex(): string;
}

/**
 * Builds the key layout under `prefix`. ID parts are URI-encoded so that an ID containing `:`
 * cannot collide with another key; claim keys are the caller's own strings and kept verbatim
 * (they show up readable in `redis-cli`).
 */
export function createStoreKeys(prefix: string): StoreKeys {
  const id = encodeURIComponent;
  return {
    link: (teamId, slackUserId) => `${prefix}link:${id(teamId)}:${id(slackUserId)}`,
    linkIndex: (teamId) => `${prefix}link-index:${id(teamId)}`,
    audit: (teamId, recordId) => `${prefix}audit:${id(teamId)}:${id(recordId)}`,
    auditIndex: (teamId) => `${prefix}audit-index:${id(teamId)}`,
    auditUserIndex: (teamId, slackUserId) => `${prefix}audit-user-index:${id(teamId)}:${id(slackUserId)}`,
    auditChannelIndex: (teamId, channelId) => `${prefix}audit-channel-index:${id(teamId)}:${id(channelId)}`,
    auditAgeIndex: () => `${prefix}audit-age-index`,
    claim: (key) => `${prefix}claim:${key}`,
    watch: (instanceId) => `${prefix}watch:${id(instanceId)}`,
    watchIndex: () => `${prefix}watch-index`,
    job: (jobId) => `${prefix}job:${id(jobId)}`,
    jobIndex: () => `${prefix}job-index`,
    preview: (teamId, previewId) => `${prefix}preview:${id(teamId)}:${id(previewId)}`,
    backfill: (teamId, backfillId) => `${prefix}backfill:${id(teamId)}:${id(backfillId)}`,
    backfillDueIndex: () => `${prefix}backfill-due-index`,
    backfillActiveIndex: (teamId) => `${prefix}backfill-active-index:${id(teamId)}`,
    backfillPlan: (teamId, planId) => `${prefix}backfill-plan:${id(teamId)}:${id(planId)}`,
    approval: (requestId) => `${prefix}approval:${id(requestId)}`,
    approvalIndex: () => `${prefix}approval-index`,
  };
}

/** Every mrkdwn text of a recorded Slack message's blocks (sections and context), joined: what the user reads. */
export function textOf(call: { args: Record<string, unknown> } | undefined): string {
  if (!call) return '';
  const blocks = (call.args.blocks ?? []) as Array<{
    text?: { text: string };
    elements?: Array<{ text?: string }>;
  }>;
  return blocks
    .flatMap((b) => [b.text?.text, ...(b.elements ?? []).map((e) => e.text)])
    .filter((s): s is string => typeof s === 'string')
    .join('\n');
}

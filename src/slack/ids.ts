/** Slash command, callback, block and action IDs, shared by listeners and Block Kit builders. */
export const COMMAND = '/flow-trigger';

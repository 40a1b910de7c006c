/** Thrown by {@link withinBudget} when the work took longer than its budget. */
export class BudgetExceededError extends Error {
  constructor(readonly budgetMs: number) {
    super(`no answer within ${budgetMs} ms`);
    this.name = 'BudgetExceededError';
  }
}

/**
 * `work`, or a BudgetExceededError after `ms`: for answers Slack waits for only 3 s (options,
 * view submissions). The work itself goes on; a late failure of it is swallowed by the race.
 */
export function withinBudget<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BudgetExceededError(ms)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

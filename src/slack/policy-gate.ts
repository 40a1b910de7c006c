import type { WebClient } from '@slack/web-api';
import type { GroupMembers, Policy } from '../core/policy/policy';
import { PolicyError } from '../core/policy/policy-problems';
import type { Clock } from '../core/ports';
import { loadPolicyFile } from '../policy/load-policy-file';
import { createSlackPolicyDirectory, type SlackPolicyDirectory } from './slack-policy-directory';
import { inertMessage, inertMrkdwn } from './ui/inert-text';

/**
 * The policy in force, as the listeners see it: read at start, swapped whole on reload. Rule names
 * and deny reasons come from a file and are quoted in Slack, so they are kept inert here, once.
 */
export interface PolicyGate {
  /** Undefined: no POLICY_FILE, everything EnOS allows is allowed. */
  current(): Policy | undefined;
  /** A user group's members (usergroups.users.list, cached 5 minutes). */
  groupMembers: GroupMembers;
}

/** The gate without a policy file. */
export const NO_POLICY: PolicyGate = { current: () => undefined, groupMembers: async () => [] };

export interface PolicyFileGate extends PolicyGate {
  /** Reads the file again; a bad file keeps the policy in force and rejects with the PolicyError. */
  reload(): Promise<void>;
}

/**
 * Loads POLICY_FILE through Slack's directory; rejects with PolicyError (every problem listed) when
 * the file is bad, so that the app does not start with a policy nobody meant.
 */
export async function loadPolicyGate(options: {
  file: string;
  client: WebClient;
  clock: Clock;
}): Promise<PolicyFileGate> {
  const { file, client, clock } = options;
  // A fresh directory per load: renamed channels and new groups are read again; decisions use the
  // directory of the policy in force.
  const load = async (): Promise<{ policy: Policy; directory: SlackPolicyDirectory }> => {
    const directory = createSlackPolicyDirectory(client, clock);
    try {
      return { policy: shownInSlack(await loadPolicyFile(file, directory)), directory };
    } catch (error) {
      if (error instanceof PolicyError) throw error;
      throw new PolicyError(file, [
        `Slack's directory could not be read (${error instanceof Error ? error.message : String(error)}): ` +
          'check the scopes channels:read, groups:read and usergroups:read, and that Slack is reachable',
      ]);
    }
  };
  let inForce = await load();
  return {
    current: () => inForce.policy,
    groupMembers: (groupId) => inForce.directory.groupMembers(groupId),
    async reload() {
      inForce = await load();
    },
  };
}

function shownInSlack(policy: Policy): Policy {
  return {
    rules: policy.rules.map((rule) => ({
      ...rule,
      name: inertMessage(rule.name),
      // Globs are quoted by `/flow-trigger policy`; matching uses the compiled `regex`.
      flows: rule.flows.map((flow) =>
        flow.kind === 'glob' ? { ...flow, glob: inertMrkdwn(flow.glob) } : flow,
      ),
      ...(rule.deny !== undefined ? { deny: inertMessage(rule.deny) } : {}),
    })),
  };
}

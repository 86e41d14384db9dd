import { UsageError } from '../errors.js';
import { UFW_USER_RULES } from './bbb-paths.js';
import { DelegatingHost } from './delegating-host.js';
import type { CommandResult } from './host.js';
import { readText } from './host.js';
import { tupleLine } from '../resources/ufw-rules.js';
import type { FirewallRule } from '../plan/change.js';

/**
 * The demo sandbox's ufw: `ufw allow|delete allow proto P from C to any port N comment X` edits the tree's
 * /etc/ufw/user.rules the way ufw does, so a sandbox run converges like a real server (second plan empty).
 */
export class SandboxUfwHost extends DelegatingHost {
  override async run(argv: string[]): Promise<CommandResult> {
    if (argv[0] !== 'ufw') return this.inner.run(argv);
    const del = argv[1] === 'delete';
    const rule = parseRule(argv.slice(del ? 2 : 1));
    const text = (await readText(this.inner, UFW_USER_RULES)) ?? '### RULES ###\n### END RULES ###\n';
    const line = tupleLine(rule);
    const lines = text.split('\n');
    const at = lines.indexOf(line);
    if (del) {
      if (at < 0) return { code: 1, stdout: '', stderr: 'Could not delete non-existent rule', recorded: false };
      lines.splice(at, 1);
    } else if (at < 0) {
      const end = lines.findIndex((l) => l.startsWith('### END RULES'));
      lines.splice(end < 0 ? lines.length : end, 0, line);
    }
    await this.inner.writeFileAtomic(UFW_USER_RULES, Buffer.from(lines.join('\n')), {});
    return { code: 0, stdout: del ? 'Rule deleted' : 'Rule added', stderr: '', recorded: false };
  }
}

function parseRule(args: string[]): FirewallRule {
  const get = (key: string): string | undefined => {
    const i = args.indexOf(key);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const proto = get('proto');
  const from = get('from');
  const port = Number(get('port'));
  if (args[0] !== 'allow' || (proto !== 'udp' && proto !== 'tcp') || !from || !Number.isInteger(port)) {
    throw new UsageError(`sandbox ufw does not understand: ufw ${args.join(' ')}`);
  }
  return { proto, from, port, comment: get('comment') ?? '' };
}

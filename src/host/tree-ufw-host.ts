import { UsageError } from '../errors.js';
import { UFW_USER_RULES } from './bbb-paths.js';
import { DelegatingHost } from './delegating-host.js';
import type { CommandResult } from './host.js';
import { parseUfwPort, tupleLine } from '../resources/ufw-rules.js';
import type { FirewallRule } from '../model/change.js';

/**
 * ufw under a --root other than /: the command cannot run there, so it is recorded (and printed as a command to run
 * on the server), and its effect is mirrored into the tree's /etc/ufw/user.rules the way ufw writes it. The tree then
 * converges like the server will (a second plan is empty) and doctor reads the rules it would find there.
 */
export class TreeUfwHost extends DelegatingHost {
  override async run(argv: string[]): Promise<CommandResult> {
    if (argv[0] !== 'ufw') return this.inner.run(argv);
    const recorded = await this.inner.run(argv);
    if (!recorded.recorded) return recorded; // a host that really runs ufw needs no mirror
    const del = argv[1] === 'delete';
    const rule = parseRule(argv.slice(del ? 2 : 1));
    // latin1 maps each byte to one character and back, so bytes that are not UTF-8 (an admin's comment in
    // another encoding) are kept exactly; the lines we add are ASCII (ufw hex-encodes comments).
    const bytes = await this.inner.readBytes(UFW_USER_RULES);
    const text = bytes === null ? '### RULES ###\n### END RULES ###\n' : bytes.toString('latin1');
    const line = tupleLine(rule);
    const lines = text.split('\n');
    const at = lines.indexOf(line);
    if (del) {
      if (at < 0) return { code: 1, stdout: '', stderr: 'Could not delete non-existent rule', recorded: true };
      lines.splice(at, 1);
    } else if (at < 0) {
      const end = lines.findIndex((l) => l.startsWith('### END RULES'));
      lines.splice(end < 0 ? lines.length : end, 0, line);
    }
    await this.inner.writeFileAtomic(UFW_USER_RULES, Buffer.from(lines.join('\n'), 'latin1'), {});
    return { code: 0, stdout: del ? 'Rule deleted' : 'Rule added', stderr: '', recorded: true };
  }
}

function parseRule(args: string[]): FirewallRule {
  const get = (key: string): string | undefined => {
    const i = args.indexOf(key);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const proto = get('proto');
  const from = get('from');
  const port = parseUfwPort(get('port') ?? '');
  if (args[0] !== 'allow' || (proto !== 'udp' && proto !== 'tcp') || !from || port === null) {
    throw new UsageError(`sandbox ufw does not understand: ufw ${args.join(' ')}`);
  }
  return { proto, from, ...port, comment: get('comment') ?? '' };
}

// What FreeSWITCH's answers to the API commands bbb-twilio sends mean. An `api` reply is free text, and several
// failures do not start with -ERR (mod_sofia prints "Invalid Profile [x]", "Failure starting x"; reloadxml says
// "+OK [<error>]" when the XML does not parse), so each command's success is recognised by its own wording.
// Formats from FreeSWITCH's source: mod_sofia.c (cmd_profile), mod_commands.c (reloadxml, show calls count).

export type ReplyVerdict = { ok: true; note?: string } | { ok: false; problem: string };

/** Judge the reply to `api <command>` for the commands bbb-twilio runs. */
export function judgeEslReply(command: string, reply: string): ReplyVerdict {
  const text = reply.trim();
  const words = command.trim().split(/\s+/);
  const firstLine = text.split('\n')[0]?.trim() ?? '';

  if (words[0] === 'reloadxml') {
    const m = /^\+OK \[(.*)\]$/.exec(firstLine);
    if (m?.[1] === 'Success') return { ok: true };
    if (m) return { ok: false, problem: `FreeSWITCH could not load its XML: ${m[1]}` };
    return unexpected(text);
  }

  if (words[0] === 'sofia' && words[1] === 'profile' && words[2] !== undefined) {
    const profile = words[2];
    const action = words[3] ?? '';
    const reload = /^Reload XML \[(.*)\]$/m.exec(text);
    if (reload && reload[1] !== 'Success') return { ok: false, problem: `FreeSWITCH could not load its XML: ${reload[1]}` };
    if (/^Invalid Profile/m.test(text)) {
      if (action === 'stop') return { ok: true, note: `the "${profile}" profile was not running` };
      return { ok: false, problem: `the "${profile}" profile is not running (FreeSWITCH says "Invalid Profile")` };
    }
    if (/must be up for at least/.test(text)) {
      return { ok: false, problem: `the "${profile}" profile started moments ago and cannot be restarted yet; run the command again in a few seconds` };
    }
    switch (action) {
      case 'start':
        if (/^Failure starting/m.test(text)) {
          return { ok: false, problem: `FreeSWITCH could not start the "${profile}" profile (is it defined, and is its port free? see freeswitch.log)` };
        }
        return /started successfully/.test(text) ? { ok: true } : unexpected(text);
      case 'rescan':
        return /^\+OK/m.test(text) ? { ok: true } : unexpected(text);
      case 'restart':
        return /^restarting: /m.test(text) ? { ok: true } : unexpected(text);
      case 'stop':
        return /^stopping: /m.test(text) ? { ok: true } : unexpected(text);
      case 'killgw':
        if (/^-ERR no such gateway/m.test(text)) return { ok: true, note: 'the gateway was already gone' };
        return /^\+OK/m.test(text) ? { ok: true } : unexpected(text);
      default:
        break;
    }
  }
  if (text.startsWith('-ERR')) return { ok: false, problem: `FreeSWITCH answered "${firstLine}"` };
  return /^\+OK/.test(text) ? { ok: true } : unexpected(text);
}

function unexpected(text: string): ReplyVerdict {
  // "Reload XML [Success]" only says the XML was read; the line after it is the answer.
  const line = text.split('\n').find((l) => l.trim() !== '' && !/^Reload XML \[/.test(l))?.trim() ?? (text || '(nothing)');
  if (line.startsWith('-ERR')) return { ok: false, problem: `FreeSWITCH answered "${line}"` };
  return { ok: false, problem: `unexpected answer from FreeSWITCH: "${line.slice(0, 120)}"` };
}

/** `show calls count` answers "\n3 total.\n". Null when the reply is not that. */
export function parseCallsCount(reply: string): number | null {
  const m = /^\s*(\d+) total\.?\s*$/m.exec(reply);
  return m?.[1] === undefined ? null : Number(m[1]);
}

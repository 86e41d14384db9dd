// The conferences a simulated call can find: each --active PIN is a conference with one web-audio member,
// the way a BBB meeting looks to FreeSWITCH once a browser user has joined its audio. Answers the
// `conference` API as mod_conference formats it: `conference <name> list` gives one ';'-separated line per
// member, `conference list` every conference, a missing name "-ERR Conference <name> not found".

export interface ConferenceMember {
  id: number;
  channelName: string;
  uuid: string;
  callerIdName: string;
  callerIdNumber: string;
  flags: string;
}

export class ConferenceState {
  private readonly conferences = new Map<string, ConferenceMember[]>();

  /** Conferences named `names`, each with one browser (web audio) member on the external profile. */
  static withWebAudioMembers(names: readonly string[]): ConferenceState {
    const state = new ConferenceState();
    names.forEach((name, i) => {
      const user = `w_sim${i + 1}_1-bbbID-Web_User`;
      state.addMember(name, {
        id: 1,
        channelName: `sofia/external/${user}@127.0.0.1`,
        uuid: `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`,
        callerIdName: 'Web User',
        callerIdNumber: user,
        flags: 'hear|speak|talking',
      });
    });
    return state;
  }

  addMember(conference: string, member: ConferenceMember): void {
    const members = this.conferences.get(conference) ?? [];
    members.push(member);
    this.conferences.set(conference, members);
  }

  names(): string[] {
    return [...this.conferences.keys()];
  }

  private memberLines(members: ConferenceMember[], delim: string): string {
    return members
      .map((m) => [m.id, m.channelName, m.uuid, m.callerIdName, m.callerIdNumber, m.flags, 0, 0, 100].join(delim) + '\n')
      .join('');
  }

  /**
   * The `conference` API with `args` (already split on blanks), as conference_api_main_real
   * (conference_api.c) answers: an existing conference first, then the conference-less "list" (which prints
   * "+OK No active conferences." when there are none), else "-ERR Conference <name> not found".
   */
  api(args: string[]): string {
    const [first, second] = args;
    if (first === undefined) return '-USAGE: conference <name> <command> [args]\n';
    const members = this.conferences.get(first);
    if (members) {
      if (second === undefined) return "Conference command, not specified.\nTry 'help'\n";
      if (second.toLowerCase() === 'list') return this.list(args, [[first, members]]);
      if (second.toLowerCase() === 'count') return `${members.length}\n`;
      return `-ERR conference ${second} is not emulated\n`;
    }
    if (first.toLowerCase() === 'list') return this.list(args, [...this.conferences]);
    return `-ERR Conference ${first} not found\n`;
  }

  /** conference_api_sub_list: "delim X" (X may be double-quoted) changes the separator; only the full list has headers. */
  private list(args: string[], conferences: Array<[string, ConferenceMember[]]>): string {
    const ofs = args.length >= 2 && args[1]?.toLowerCase() === 'list' ? 1 : 0;
    let delim = ';';
    const opt = args[1 + ofs];
    const value = args[2 + ofs];
    if (opt !== undefined && value !== undefined && opt.toLowerCase() === 'delim') {
      delim = value.startsWith('"') ? (value.slice(1).split('"')[0] ?? '') : value;
    }
    const whole = ofs === 0;
    let out = '';
    for (const [name, members] of conferences) {
      if (whole) {
        out += `+OK Conference ${name} (${members.length} member${members.length === 1 ? '' : 's'} rate: 48000 flags: running|answered|enforce_min|dynamic|exit_sound|enter_sound)\n`;
      }
      out += this.memberLines(members, delim);
    }
    return out === '' && conferences.length === 0 ? '+OK No active conferences.\n' : out;
  }
}

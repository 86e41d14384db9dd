// Reading `sofia status` and `sofia status profile <name>` as mod_sofia prints them (cmd_status in mod_sofia.c):
// the list is printf("%25s\t%s\t  %40s\t%s") rows between rules of '=' signs, the profile view "Label<pad>\tvalue"
// lines; a profile that is not running is absent from the list and answers "Invalid Profile!".

export interface SofiaStatusRow {
  name: string;
  /** profile, alias, gateway */
  type: string;
  /** For a profile its URL (sip:mod_sofia@10.0.0.5:5060). */
  data: string;
  /** RUNNING (0), NOREG, ... */
  state: string;
}

export function parseSofiaStatus(text: string): SofiaStatusRow[] {
  const rows: SofiaStatusRow[] = [];
  for (const line of text.split('\n')) {
    if (!line.includes('\t') || /^=+$/.test(line.trim())) continue;
    const [name = '', type = '', data = '', state = ''] = line.split('\t').map((f) => f.trim());
    if (name === 'Name' && type === 'Type') continue;
    rows.push({ name, type, data, state });
  }
  return rows;
}

/** The profile view as label -> value; null when FreeSWITCH says the profile is not running. */
export function parseSofiaProfile(text: string): Map<string, string> | null {
  if (/^Invalid Profile/m.test(text.trim())) return null;
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab < 0) continue;
    const label = line.slice(0, tab).trim();
    if (label !== '' && !fields.has(label)) fields.set(label, line.slice(tab + 1).trim());
  }
  return fields;
}

/** `sip:mod_sofia@10.0.0.5:5080;transport=udp` -> 5080. */
export function portOfSipUrl(url: string): number | null {
  const m = /^sips?:(?:[^@]*@)?(\[[^\]]+\]|[^:;]+)(?::(\d+))?/.exec(url.trim());
  if (!m) return null;
  return m[2] === undefined ? 5060 : Number(m[2]);
}

/** `sip:mod_sofia@10.0.0.5:5080` -> 10.0.0.5. */
export function hostOfSipUrl(url: string): string | null {
  const m = /^sips?:(?:[^@]*@)?(\[[^\]]+\]|[^:;]+)/.exec(url.trim());
  return m?.[1]?.replace(/^\[(.*)\]$/, '$1') ?? null;
}

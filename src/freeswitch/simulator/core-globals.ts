// The global variables FreeSWITCH's core defines before it reads freeswitch.xml (switch_core.c), with the
// values of BBB's build (prefix /opt/freeswitch). Values the core computes on the machine itself (its
// address, host name, a fresh UUID) cannot be known from files: they are placeholders, marked unresolved.

export interface GlobalVariable {
  name: string;
  value: string;
  /** Where it was set: a file and line, or null for the core's own variables. */
  file: string | null;
  line: number | null;
  /** Why the value is a stand-in for what FreeSWITCH would compute at run time. */
  unresolved?: string;
}

const PREFIX = '/opt/freeswitch';

const DIRS: Array<[string, string]> = [
  ['base_dir', PREFIX],
  ['conf_dir', `${PREFIX}/etc/freeswitch`],
  ['sounds_dir', `${PREFIX}/share/freeswitch/sounds`],
  ['sound_prefix', `${PREFIX}/share/freeswitch/sounds`],
  ['mod_dir', `${PREFIX}/lib/freeswitch/mod`],
  ['log_dir', `${PREFIX}/var/log/freeswitch`],
  ['run_dir', `${PREFIX}/var/run/freeswitch`],
  ['db_dir', `${PREFIX}/var/lib/freeswitch/db`],
  ['recordings_dir', `${PREFIX}/var/lib/freeswitch/recordings`],
  ['storage_dir', `${PREFIX}/var/lib/freeswitch/storage`],
  ['cache_dir', `${PREFIX}/var/cache/freeswitch`],
  ['data_dir', `${PREFIX}/share/freeswitch`],
  ['localstate_dir', `${PREFIX}/var`],
  ['script_dir', `${PREFIX}/share/freeswitch/scripts`],
  ['grammar_dir', `${PREFIX}/share/freeswitch/grammar`],
  ['htdocs_dir', `${PREFIX}/share/freeswitch/htdocs`],
  ['images_dir', `${PREFIX}/share/freeswitch/images`],
  ['fonts_dir', `${PREFIX}/share/freeswitch/fonts`],
  ['certs_dir', `${PREFIX}/etc/freeswitch/tls`],
  ['temp_dir', '/tmp'],
  ['switchname', 'freeswitch'],
  ['zrtp_enabled', 'false'],
];

const MACHINE: string[] = [
  'hostname',
  'local_ip_v4',
  'local_mask_v4',
  'local_ip_v6',
  'switch_serial',
  'core_uuid',
  'nat_public_addr',
  'nat_private_addr',
  'nat_type',
];

/** The core's variables, in the order the core sets them. */
export function coreGlobals(): GlobalVariable[] {
  const out: GlobalVariable[] = DIRS.map(([name, value]) => ({ name, value, file: null, line: null }));
  for (const name of MACHINE) {
    out.push({
      name,
      value: `<${name}>`,
      file: null,
      line: null,
      unresolved: 'computed by FreeSWITCH on the running machine',
    });
  }
  return out;
}

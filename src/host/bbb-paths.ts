// Where things live on a BBB 2.7 / 3.0 server (design.md section 2). Server paths, not machine paths.

export const FREESWITCH_CONF_LINK = '/opt/freeswitch/conf';
export const FREESWITCH_CONF_DIR = '/opt/freeswitch/etc/freeswitch';
export const BBB_WEB_DEFAULTS = '/usr/share/bbb-web/WEB-INF/classes/bigbluebutton.properties';
export const BBB_WEB_OVERRIDES = '/etc/bigbluebutton/bbb-web.properties';
export const BBB_RELEASE_FILE = '/etc/bigbluebutton/bigbluebutton-release';
export const BBB_HTML5_OVERRIDES = '/etc/bigbluebutton/bbb-html5.yml';
export const APPLY_CONFIG_HOOK = '/etc/bigbluebutton/bbb-conf/apply-config.sh';
export const UFW_BINARIES = ['/usr/sbin/ufw', '/sbin/ufw', '/usr/bin/ufw'];
export const UFW_USER_RULES = '/etc/ufw/user.rules';
export const PASSWD_FILE = '/etc/passwd';
export const GROUP_FILE = '/etc/group';

export const DEFAULT_CONFIG_FILE = '/etc/bbb-twilio/config.yml';
export const STATE_DIR = '/var/lib/bbb-twilio';

/** Name of the dedicated sofia profile and its dialplan context. */
export const PROFILE_NAME = 'bbb-twilio';

/** Name of the dial-out gateway (only when termination is configured). */
export const GATEWAY_NAME = 'bbb-twilio-termination';

/** Paths of the files bbb-twilio manages, relative to the FreeSWITCH conf dir. */
export const MANAGED = {
  dedicatedProfile: 'sip_profiles/bbb-twilio.xml',
  dedicatedDialplan: 'dialplan/bbb-twilio.xml',
  externalDialplan: 'dialplan/public/bbb-twilio.xml',
  externalGateway: 'sip_profiles/external/bbb-twilio.xml',
  vars: 'vars.xml',
  externalProfile: 'sip_profiles/external.xml',
} as const;

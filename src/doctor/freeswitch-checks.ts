// esl-reachable, sip-profile-running: the running FreeSWITCH, asked over the event socket that the tree's
// event_socket.conf.xml names.

import { EslError } from '../freeswitch/esl-error.js';
import { hostOfSipUrl, parseSofiaProfile, parseSofiaStatus, portOfSipUrl } from '../freeswitch/sofia-status.js';
import { PROFILE_NAME } from '../host/bbb-paths.js';
import { hintOf, messageOf, type DoctorCheck } from './check.js';
import { profileInUse, type DoctorContext } from './doctor-context.js';

const LOG = '/opt/freeswitch/var/log/freeswitch/freeswitch.log';

export const eslReachable: DoctorCheck<DoctorContext> = {
  id: 'esl-reachable',
  title: 'FreeSWITCH answers on its event socket',
  async run(ctx, c) {
    const link = await ctx.freeswitch();
    if (!link.ok) {
      const err = link.error;
      if (err instanceof EslError && err.nothingListens && !ctx.live) {
        return c.skip(
          `nothing answers at ${link.target ?? 'the event socket'}: this --root tree has no running FreeSWITCH`,
          'run doctor on the server itself (without --root) to check the live FreeSWITCH',
        );
      }
      return c.fail(messageOf(err), hintOf(err, 'check autoload_configs/event_socket.conf.xml'));
    }
    const version = /FreeSWITCH Version (\d[^\s-]*)/.exec(await link.api.api('version'))?.[1];
    return c.ok(`FreeSWITCH${version ? ` ${version}` : ''} answers at ${link.target} and accepts the password from event_socket.conf.xml`);
  },
};

export const sipProfileRunning: DoctorCheck<DoctorContext> = {
  id: 'sip-profile-running',
  title: 'the SIP profile Twilio calls is running with the public IP',
  async run(ctx, c) {
    if (!ctx.config || !ctx.facts) return c.skip('needs a valid config and the FreeSWITCH configuration (see above)');
    const link = await ctx.freeswitch();
    if (!link.ok) return c.skip('needs FreeSWITCH\'s event socket (see esl-reachable)');
    const { name, port } = profileInUse(ctx.config, ctx.facts);
    const dedicated = name === PROFILE_NAME;
    const publicIp = ctx.config.server.publicIp;
    const startFix = dedicated
      ? `fs_cli -x 'sofia profile ${name} start' (drops no call); if it does not start, see ${LOG} (is port ${port} free?)`
      : `the external profile also carries web audio: fs_cli -x 'sofia profile external start', then see ${LOG}`;

    const row = parseSofiaStatus(await link.api.api('sofia status')).find((r) => r.name === name && r.type === 'profile');
    if (!row) return c.fail(`the "${name}" profile is not running (sofia status does not list it)`, startFix);
    if (!/^RUNNING/.test(row.state)) return c.fail(`the "${name}" profile is ${row.state}, not RUNNING`, startFix);
    const detail = parseSofiaProfile(await link.api.api(`sofia status profile ${name}`));
    if (!detail) return c.fail(`the "${name}" profile is not running (sofia status profile ${name}: Invalid Profile)`, startFix);

    const url = detail.get('URL') ?? row.data;
    const runningPort = portOfSipUrl(url);
    const restartFix = dedicated
      ? `run bbb-twilio apply, then fs_cli -x 'sofia profile ${name} restart' (drops phone callers only)`
      : 'run bbb-twilio apply --when-idle (restarts the external profile once no call is up)';
    if (runningPort !== port) {
      return c.fail(`the "${name}" profile runs on port ${runningPort ?? '?'} (${url}), but Twilio is told ${port}`, restartFix);
    }
    const bind = detail.get('SIP-IP') ?? hostOfSipUrl(url) ?? '';
    const extSip = detail.get('Ext-SIP-IP') ?? bind;
    const extRtp = detail.get('Ext-RTP-IP') ?? detail.get('RTP-IP') ?? bind;
    const wrong = [
      extSip === publicIp ? null : `Ext-SIP-IP ${extSip || '(none)'}`,
      extRtp === publicIp ? null : `Ext-RTP-IP ${extRtp || '(none)'}`,
    ].filter((w): w is string => w !== null);
    if (wrong.length > 0) {
      return c.fail(
        `the "${name}" profile advertises ${wrong.join(' and ')}, not the public IP ${publicIp}: Twilio would send replies or audio elsewhere`,
        restartFix,
      );
    }
    const calls = /RUNNING \((\d+)\)/.exec(row.state)?.[1] ?? '0';
    return c.ok(`"${name}" is RUNNING on port ${port} with external address ${publicIp} (${calls} call${calls === '1' ? '' : 's'} on it now)`);
  },
};

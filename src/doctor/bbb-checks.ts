// bbb-api-reachable, dial-number-shown: bbb-web as it runs (its API) and as it is configured (its properties).

import { describeApiCall, getMeetings, type BbbMeeting } from '../bbb/bbb-api-client.js';
import { BbbApiError } from '../bbb/bbb-api-error.js';
import { checksumAlgorithm } from '../bbb/bbb-web-settings.js';
import { BBB_WEB_OVERRIDES } from '../host/bbb-paths.js';
import { hintOf, messageOf, type DoctorCheck } from './check.js';
import type { DoctorContext } from './doctor-context.js';

export type MeetingsAnswer =
  | { ok: true; meetings: BbbMeeting[]; where: string; algorithm: string }
  | { ok: false; problem: 'settings'; message: string; fix: string }
  | { ok: false; problem: 'api'; error: unknown };

/** One getMeetings call, shared by the checks that need it. */
export function meetings(ctx: DoctorContext): Promise<MeetingsAnswer> {
  return ctx.memo('bbb-get-meetings', async (): Promise<MeetingsAnswer> => {
    const settings = await ctx.bbbWeb();
    if (settings.files.length === 0) {
      return { ok: false, problem: 'settings', message: 'no bbb-web properties under this root: is BigBlueButton installed?', fix: 'point --root at a BBB server\'s files' };
    }
    const url = settings.get('bigbluebutton.web.serverURL');
    const salt = settings.get('securitySalt');
    if (!url?.value) {
      return { ok: false, problem: 'settings', message: 'bigbluebutton.web.serverURL is not set', fix: 'bbb-conf --setip <your host name> sets it' };
    }
    if (!salt?.value) {
      return { ok: false, problem: 'settings', message: 'securitySalt is not set in bbb-web\'s properties', fix: `set it in ${BBB_WEB_OVERRIDES} (bbb-conf --setsecret) and restart bbb-web` };
    }
    const algorithm = checksumAlgorithm(settings);
    if (algorithm === null) {
      return {
        ok: false,
        problem: 'settings',
        message: 'supportedChecksumAlgorithms allows none of sha1, sha256, sha384, sha512',
        fix: `set supportedChecksumAlgorithms=sha1,sha256,sha384,sha512 in ${BBB_WEB_OVERRIDES} and restart bbb-web`,
      };
    }
    const where = describeApiCall(url.value, 'getMeetings');
    try {
      const list = await getMeetings({ serverUrl: url.value, secret: salt.value, algorithm, ...timeout(ctx) });
      return { ok: true, meetings: list, where, algorithm };
    } catch (error) {
      return { ok: false, problem: 'api', error };
    }
  });
}

function timeout(ctx: DoctorContext): { timeoutMs?: number } {
  return ctx.options.httpTimeoutMs === undefined ? {} : { timeoutMs: ctx.options.httpTimeoutMs };
}

export const bbbApiReachable: DoctorCheck<DoctorContext> = {
  id: 'bbb-api-reachable',
  title: 'BigBlueButton\'s API answers with the secret from bbb-web\'s properties',
  async run(ctx, c) {
    const answer = await meetings(ctx);
    if (answer.ok) {
      const n = answer.meetings.length;
      return c.ok(`${answer.where} answers (${answer.algorithm} checksum): ${n === 0 ? 'no meeting' : `${n} meeting${n === 1 ? '' : 's'}`} running`);
    }
    if (answer.problem === 'settings') return c.fail(answer.message, answer.fix);
    const err = answer.error;
    if (err instanceof BbbApiError && err.failure === 'unreachable' && !ctx.live) {
      return c.skip(`${messageOf(err)} (this --root tree's BBB is not reachable from here)`, 'run doctor on the server itself (without --root)');
    }
    return c.fail(messageOf(err), hintOf(err, 'see /var/log/bigbluebutton/bbb-web.log'));
  },
};

export const dialNumberShown: DoctorCheck<DoctorContext> = {
  id: 'dial-number-shown',
  title: 'meetings show the configured dial-in number and PIN',
  async run(ctx, c) {
    const config = ctx.config;
    if (!config) return c.skip('needs a valid config (see config-valid)');
    const settings = await ctx.bbbWeb();
    const first = config.numbers[0];
    if (!first) return c.skip('the config lists no number');
    const applyFix = `run bbb-twilio apply (it sets both in ${BBB_WEB_OVERRIDES} and restarts bbb-web once no meeting is running)`;
    const number = settings.get('defaultDialAccessNumber');
    if (number?.value !== first.display) {
      const shown = number ? `${number.value} (${number.source})` : 'no number (defaultDialAccessNumber is not set)';
      return c.fail(`bbb-web shows ${shown}, not ${first.display}`, applyFix);
    }
    const footer = settings.get('defaultWelcomeMessageFooter')?.value ?? '';
    const missing = config.numbers.filter((n) => !footer.includes(n.display) && !footer.includes(n.e164)).map((n) => n.display);
    if (missing.length > 0) return c.fail(`the welcome message footer does not list ${missing.join(', ')}`, applyFix);
    if (!footer.includes('%%CONFNUM%%')) {
      return c.warn('the welcome message footer lists the numbers but not the PIN (%%CONFNUM%%): callers will not know what to enter', applyFix);
    }
    const answer = await meetings(ctx);
    if (answer.ok) {
      const stale = answer.meetings.filter((m) => m.dialNumber !== '' && m.dialNumber !== first.display);
      if (stale.length > 0) {
        return c.warn(
          `${stale.length} running meeting(s) show ${stale[0]?.dialNumber ?? ''}: bbb-web was not restarted since the change, or they began before it`,
          'meetings already running keep their number until they end; if bbb-web was not restarted: bbb-twilio apply --when-idle ' +
            '(restarts it once no meeting is running: a restart makes running meetings vanish)',
        );
      }
    }
    return c.ok(`bbb-web shows ${first.display}, and the welcome footer lists every number with the PIN`);
  },
};

// twilio-trunk, twilio-origination-url, twilio-numbers: the Twilio side, read with the account's credentials
// (skipped with --offline or without credentials). Read only: doctor never changes the account.

import { hostOfSipUrl, portOfSipUrl } from '../freeswitch/sofia-status.js';
import { findIncomingNumber, findTrunk, trunkNumbers, trunkOriginationUrls } from '../twilio/resources/account-reads.js';
import { createTwilioAccess, signInOf, type TwilioAccess } from '../twilio/twilio-access.js';
import { TwilioError } from '../twilio/twilio-error.js';
import { hintOf, messageOf, type CheckMaker, type CheckResult, type DoctorCheck } from './check.js';
import { profileInUse, type DoctorContext } from './doctor-context.js';

interface Trunk {
  sid: string;
  name: string;
  secure: boolean;
}

type TrunkAnswer = { ok: true; access: TwilioAccess; trunk: Trunk } | { ok: false; result: (c: CheckMaker, id: string) => CheckResult };

const CONSOLE = 'Twilio Console → Elastic SIP Trunking → Trunks';

/** The trunk named twilio.trunkName, looked up once for the three checks; or why the checks cannot run. */
function trunk(ctx: DoctorContext): Promise<TrunkAnswer> {
  return ctx.memo('twilio-trunk', async (): Promise<TrunkAnswer> => {
    const config = ctx.config;
    const skip = (finding: string, fix = ''): TrunkAnswer => ({ ok: false, result: (c) => c.skip(finding, fix) });
    if (ctx.options.offline) return skip('--offline: Twilio was not asked');
    if (!config) return skip('needs a valid config (see config-valid)');
    const { accountSid, trunkName } = config.twilio;
    const signIn = signInOf(config.twilio);
    if (!accountSid || !signIn) {
      return skip(
        'no Twilio credentials configured (twilio.accountSid, and TWILIO_AUTH_TOKEN or twilio.apiKeySid with TWILIO_API_KEY_SECRET)',
        'add them to let doctor check the trunk',
      );
    }
    // The same reads the plan makes (src/twilio/resources/account-reads.ts), so doctor and plan agree.
    const access = createTwilioAccess({
      accountSid,
      ...signIn,
      ...(ctx.options.env.BBB_TWILIO_API_URL ? { apiUrl: ctx.options.env.BBB_TWILIO_API_URL } : {}),
      timeoutMs: ctx.options.httpTimeoutMs ?? 10_000,
    });
    let found: Trunk | undefined;
    try {
      const view = await findTrunk(access, trunkName);
      found = view ? { sid: view.sid, name: trunkName, secure: view.secure } : undefined;
    } catch (e) {
      return {
        ok: false,
        result: (c, id) => (id === 'twilio-trunk' ? c.fail(messageOf(e), hintOf(e, 'check the Twilio credentials')) : c.skip('needs the trunk (see twilio-trunk)')),
      };
    }
    if (!found) {
      return {
        ok: false,
        result: (c, id) =>
          id === 'twilio-trunk'
            ? c.fail(
                `no Elastic SIP trunk named "${trunkName}" in the account`,
                // Not "name an existing trunk": apply would take it over, re-pointing its calls and detaching its numbers.
                `run bbb-twilio apply: it creates the trunk (set twilio.trunkName only to a name no other server or PBX uses)`,
              )
            : c.skip('needs the trunk (see twilio-trunk)'),
      };
    }
    return { ok: true, access, trunk: found };
  });
}

export const twilioTrunk: DoctorCheck<DoctorContext> = {
  id: 'twilio-trunk',
  title: 'the Twilio SIP trunk exists',
  async run(ctx, c) {
    const answer = await trunk(ctx);
    if (!answer.ok) return answer.result(c, 'twilio-trunk');
    if (answer.trunk.secure) {
      return c.fail(
        `trunk "${answer.trunk.name}" (${answer.trunk.sid}) has Secure Trunking on (TLS + SRTP): its calls cannot reach the plain-SIP profile`,
        `run bbb-twilio apply (it turns Secure Trunking off), or turn it off in the ${CONSOLE} → ${answer.trunk.name} → General`,
      );
    }
    return c.ok(`trunk "${answer.trunk.name}" exists (${answer.trunk.sid})`);
  },
};

export const twilioOriginationUrl: DoctorCheck<DoctorContext> = {
  id: 'twilio-origination-url',
  title: 'Twilio sends calls to this server\'s public IP and SIP port',
  async run(ctx, c) {
    const answer = await trunk(ctx);
    if (!answer.ok) return answer.result(c, 'twilio-origination-url');
    if (!ctx.config || !ctx.facts) return c.skip('needs a valid config and the FreeSWITCH configuration (see above)');
    const { port } = profileInUse(ctx.config, ctx.facts);
    const ip = ctx.config.server.publicIp;
    const wanted = `sip:${ip}:${port}`;
    let urls;
    try {
      urls = await trunkOriginationUrls(answer.access, answer.trunk.sid);
    } catch (e) {
      return c.fail(messageOf(e), hintOf(e, 'try again'));
    }
    const ours = urls.filter((u) => u.sipUrl.startsWith('sip:') && hostOfSipUrl(u.sipUrl) === ip && portOfSipUrl(u.sipUrl) === port);
    const addFix = `add ${wanted} as an origination URL of trunk "${answer.trunk.name}" (${CONSOLE} → ${answer.trunk.name} → Origination)`;
    if (ours.length === 0) {
      const found = urls.map((u) => u.sipUrl).join(', ') || 'none';
      return c.fail(`no origination URL points at ${wanted} (the trunk has: ${found})`, addFix);
    }
    const enabled = ours.find((u) => u.enabled);
    if (!enabled) return c.fail(`${ours[0]?.sipUrl ?? wanted} is on the trunk but disabled`, `enable it (${CONSOLE} → ${answer.trunk.name} → Origination)`);
    const elsewhere = urls.filter((u) => u.enabled && !ours.includes(u));
    if (elsewhere.length > 0) {
      return c.warn(
        `${enabled.sipUrl} is set, but calls may also go to ${elsewhere.map((u) => u.sipUrl).join(', ')}`,
        'remove the other origination URLs unless they are meant to take calls too (another BBB server)',
      );
    }
    return c.ok(`${enabled.sipUrl} (priority ${enabled.priority}, weight ${enabled.weight})`);
  },
};

export const twilioNumbers: DoctorCheck<DoctorContext> = {
  id: 'twilio-numbers',
  title: 'every configured number is attached to the trunk',
  async run(ctx, c) {
    const answer = await trunk(ctx);
    if (!answer.ok) return answer.result(c, 'twilio-numbers');
    if (!ctx.config) return c.skip('needs a valid config (see config-valid)');
    let attached: Set<string>;
    try {
      attached = new Set((await trunkNumbers(answer.access, answer.trunk.sid)).map((n) => n.phoneNumber));
    } catch (e) {
      return c.fail(messageOf(e), hintOf(e, 'try again'));
    }
    const missing = ctx.config.numbers.filter((n) => !attached.has(n.e164));
    if (missing.length === 0) return c.ok(`all ${ctx.config.numbers.length} number(s) are on trunk "${answer.trunk.name}"`);
    const notOwned: string[] = [];
    for (const n of missing) {
      try {
        await findIncomingNumber(answer.access, n.e164);
      } catch (e) {
        // Whether the account owns it only shapes the message; the missing attachment is the finding.
        if (e instanceof TwilioError && e.failure === 'number') notOwned.push(n.display);
      }
    }
    const finding =
      `${missing.map((n) => n.display).join(', ')} ${missing.length === 1 ? 'is' : 'are'} not attached to trunk "${answer.trunk.name}"` +
      (notOwned.length > 0 ? ` (${notOwned.join(', ')} ${notOwned.length === 1 ? 'is' : 'are'} not even a number of this account)` : '');
    return c.fail(finding, `attach them (${CONSOLE} → ${answer.trunk.name} → Numbers); buy or port numbers the account does not have`);
  },
};

import { getProperty, removeProperty, setProperty } from '../edit/properties.js';
import { readText } from '../host/host.js';
import { BBB_WEB_OVERRIDES } from '../host/bbb-paths.js';
import type { Config, PhoneNumber } from '../config/schema.js';
import { planFile } from './file-change.js';
import { targetValue } from './edited-values.js';
import type { PlanContext, Resource, ResourcePlan } from './resource.js';

const FILE_KEY = 'bbb-web.properties#file';
/** Keys of bbb-web.properties whose values are secrets. */
const SECRET_PROPERTIES = ['securitySalt'];

/** Every number as a tel: link; BBB prepends `<br><br>` and fills in %%CONFNUM%% with the meeting's PIN. */
export function renderWelcomeFooter(numbers: readonly PhoneNumber[]): string {
  const links = numbers.map((n) => {
    const link = `<a href="tel:${n.e164}">${n.display}</a>`;
    return n.label ? `${link} (${escapeHtml(n.label)})` : link;
  });
  const list = links.length === 1 ? links[0] : `${links.slice(0, -1).join(', ')} or ${links[links.length - 1]}`;
  return `To join this meeting by phone, dial ${list}, then enter %%CONFNUM%% followed by # as the conference PIN.`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function desiredProperties(config: Config): Record<string, string> {
  const first = config.numbers[0];
  return {
    defaultDialAccessNumber: first ? first.display : '',
    defaultWelcomeMessageFooter: renderWelcomeFooter(config.numbers),
  };
}

/** bbb-web's admin overrides (upgrade-safe); the packaged defaults file is never touched. */
export const bbbWebProperties: Resource = {
  id: 'bbb-web-properties',
  async plan(ctx: PlanContext): Promise<ResourcePlan> {
    const file = BBB_WEB_OVERRIDES;
    const before = await readText(ctx.host, file);
    const wanted = ctx.mode === 'install';
    const originals: Record<string, string | null> = {};
    const forgetOriginals: string[] = [];
    let after = before ?? '';
    for (const [key, desired] of Object.entries(desiredProperties(ctx.config))) {
      const stateKey = `bbb-web.properties#${key}`;
      const current = getProperty(after, key);
      const target = targetValue({ stateKey, current, desired }, wanted, ctx.state.originals);
      if ('original' in target) originals[stateKey] = target.original ?? null;
      if (target.restores) forgetOriginals.push(stateKey);
      if (target.value === current) continue;
      after = target.value === undefined ? removeProperty(after, key) : setProperty(after, key, target.value);
    }
    if (wanted && before === null && !(FILE_KEY in ctx.state.originals)) originals[FILE_KEY] = null;
    let finalAfter: string | null = after;
    if (!wanted && before !== null && after.trim() === '' && ctx.state.originals[FILE_KEY] === null) finalAfter = null;
    if (!wanted && FILE_KEY in ctx.state.originals) forgetOriginals.push(FILE_KEY);
    if (before === null && !wanted) return { changes: [], warnings: [] };
    return planFile(ctx, {
      resource: this.id,
      path: file,
      title: wanted
        ? `BBB shows the dial-in number ${ctx.config.numbers[0]?.display ?? ''} and the PIN in each meeting`
        : 'restore bbb-web\'s dial-in number and welcome footer',
      after: finalAfter,
      mode: 0o644,
      owner: null,
      xml: false,
      managedWhole: false,
      needs: ['bbb-web-restart'],
      // The API secret sits in the same file: never in a diff, even as an unchanged context line.
      secrets: SECRET_PROPERTIES.map((k) => (before === null ? undefined : getProperty(before, k))).filter((v): v is string => Boolean(v)),
      originals,
      forgetOriginals,
    });
  },
};

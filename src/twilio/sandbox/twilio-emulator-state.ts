// In-memory account state of the Twilio API emulator: the records behind every endpoint, SIDs with
// Twilio's prefixes, and helpers that let a test set up an account (a bought number, an existing trunk).
// Associations live where Twilio keeps them: a number's trunk is its `trunkSid`, so attaching a number to
// a trunk through either API shows up in both.

import { createHash } from 'node:crypto';

export type SidPrefix = 'TK' | 'OU' | 'PN' | 'AL' | 'CL' | 'IP' | 'CR';

interface Stamped {
  sid: string;
  dateCreated: Date;
  dateUpdated: Date;
}

export interface TrunkRecord extends Stamped {
  friendlyName: string | null;
  domainName: string | null;
  disasterRecoveryUrl: string | null;
  disasterRecoveryMethod: string;
  transferMode: string;
  transferCallerId: string;
  secure: boolean;
  cnamLookupEnabled: boolean;
  /** IP access control list SIDs associated with the trunk, with the time of association. */
  ipAccessControlLists: Map<string, Date>;
  /** Credential list SIDs associated with the trunk. */
  credentialLists: Map<string, Date>;
}

export interface OriginationUrlRecord extends Stamped {
  trunkSid: string;
  friendlyName: string;
  sipUrl: string;
  priority: number;
  weight: number;
  enabled: boolean;
}

export interface IncomingNumberRecord extends Stamped {
  phoneNumber: string;
  friendlyName: string;
  voiceUrl: string | null;
  voiceMethod: string;
  voiceFallbackUrl: string | null;
  voiceFallbackMethod: string;
  voiceApplicationSid: string | null;
  trunkSid: string | null;
}

export interface IpAddressRecord extends Stamped {
  ipAccessControlListSid: string;
  friendlyName: string;
  ipAddress: string;
  cidrPrefixLength: number;
}

export interface IpAccessControlListRecord extends Stamped {
  friendlyName: string;
  ipAddresses: Map<string, IpAddressRecord>;
}

export interface CredentialRecord extends Stamped {
  credentialListSid: string;
  username: string;
  /** Kept so tests can check what was sent; Twilio never returns it. */
  password: string;
}

export interface CredentialListRecord extends Stamped {
  friendlyName: string;
  credentials: Map<string, CredentialRecord>;
}

export interface NewIncomingNumber {
  phoneNumber: string;
  friendlyName?: string;
  voiceUrl?: string;
  voiceMethod?: string;
  voiceFallbackUrl?: string;
  voiceApplicationSid?: string;
  trunkSid?: string;
}

export interface NewTrunk {
  friendlyName?: string;
  domainName?: string;
  secure?: boolean;
}

export interface NewOriginationUrl {
  sipUrl: string;
  friendlyName?: string;
  priority?: number;
  weight?: number;
  enabled?: boolean;
}

export class TwilioState {
  readonly accountSid: string;
  readonly trunks = new Map<string, TrunkRecord>();
  readonly originationUrls = new Map<string, OriginationUrlRecord>();
  readonly incomingNumbers = new Map<string, IncomingNumberRecord>();
  readonly ipAccessControlLists = new Map<string, IpAccessControlListRecord>();
  readonly credentialLists = new Map<string, CredentialListRecord>();
  /** Termination domains other Twilio accounts hold: a trunk here cannot take them (error 21248). */
  readonly takenDomains = new Set<string>();
  private sidCounter = 0;
  private readonly clock: () => Date;

  constructor(accountSid: string, clock: () => Date = () => new Date()) {
    this.accountSid = accountSid;
    this.clock = clock;
  }

  /** The current time, to the second (Twilio's dates have no fraction). */
  now(): Date {
    return new Date(Math.floor(this.clock().getTime() / 1000) * 1000);
  }

  /** A new SID: prefix + 32 hex digits, deterministic per emulator so test output is stable. */
  newSid(prefix: SidPrefix): string {
    this.sidCounter += 1;
    const hex = createHash('md5').update(`${this.accountSid}:${prefix}:${this.sidCounter}`).digest('hex');
    return `${prefix}${hex}`;
  }

  stamp(prefix: SidPrefix): Stamped {
    const now = this.now();
    return { sid: this.newSid(prefix), dateCreated: now, dateUpdated: now };
  }

  /** A number bought in the account (the emulator cannot buy numbers). Returns its PN SID. */
  addIncomingNumber(number: NewIncomingNumber): string {
    if (!/^\+[1-9]\d{6,14}$/.test(number.phoneNumber)) {
      throw new Error(`addIncomingNumber: ${number.phoneNumber} is not E.164 (+16135550142)`);
    }
    if (number.trunkSid !== undefined && !this.trunks.has(number.trunkSid)) {
      throw new Error(`addIncomingNumber: no trunk ${number.trunkSid}`);
    }
    const record: IncomingNumberRecord = {
      ...this.stamp('PN'),
      phoneNumber: number.phoneNumber,
      friendlyName: number.friendlyName ?? formatFriendlyNumber(number.phoneNumber),
      voiceUrl: number.voiceUrl ?? null,
      voiceMethod: number.voiceMethod ?? 'POST',
      voiceFallbackUrl: number.voiceFallbackUrl ?? null,
      voiceFallbackMethod: 'POST',
      voiceApplicationSid: number.voiceApplicationSid ?? null,
      trunkSid: number.trunkSid ?? null,
    };
    this.incomingNumbers.set(record.sid, record);
    return record.sid;
  }

  addTrunk(trunk: NewTrunk = {}): string {
    const record: TrunkRecord = {
      ...this.stamp('TK'),
      friendlyName: trunk.friendlyName ?? null,
      domainName: trunk.domainName ?? null,
      disasterRecoveryUrl: null,
      disasterRecoveryMethod: 'POST',
      transferMode: 'disable-all',
      transferCallerId: 'from-transferee',
      secure: trunk.secure ?? false,
      cnamLookupEnabled: false,
      ipAccessControlLists: new Map(),
      credentialLists: new Map(),
    };
    this.trunks.set(record.sid, record);
    return record.sid;
  }

  addOriginationUrl(trunkSid: string, url: NewOriginationUrl): string {
    if (!this.trunks.has(trunkSid)) throw new Error(`addOriginationUrl: no trunk ${trunkSid}`);
    const record: OriginationUrlRecord = {
      ...this.stamp('OU'),
      trunkSid,
      friendlyName: url.friendlyName ?? url.sipUrl,
      sipUrl: url.sipUrl,
      priority: url.priority ?? 10,
      weight: url.weight ?? 10,
      enabled: url.enabled ?? true,
    };
    this.originationUrls.set(record.sid, record);
    return record.sid;
  }

  addIpAccessControlList(friendlyName: string): string {
    const record: IpAccessControlListRecord = { ...this.stamp('AL'), friendlyName, ipAddresses: new Map() };
    this.ipAccessControlLists.set(record.sid, record);
    return record.sid;
  }

  addCredentialList(friendlyName: string): string {
    const record: CredentialListRecord = { ...this.stamp('CL'), friendlyName, credentials: new Map() };
    this.credentialLists.set(record.sid, record);
    return record.sid;
  }

  originationUrlsOf(trunkSid: string): OriginationUrlRecord[] {
    return [...this.originationUrls.values()].filter((u) => u.trunkSid === trunkSid);
  }

  numbersOf(trunkSid: string): IncomingNumberRecord[] {
    return [...this.incomingNumbers.values()].filter((n) => n.trunkSid === trunkSid);
  }

  findNumber(phoneNumber: string): IncomingNumberRecord | undefined {
    return [...this.incomingNumbers.values()].find((n) => n.phoneNumber === phoneNumber);
  }

  /** Deleting a trunk removes its origination URLs and associations and detaches its numbers, as Twilio does. */
  deleteTrunk(trunkSid: string): boolean {
    if (!this.trunks.delete(trunkSid)) return false;
    for (const url of this.originationUrlsOf(trunkSid)) this.originationUrls.delete(url.sid);
    for (const number of this.numbersOf(trunkSid)) number.trunkSid = null;
    return true;
  }

  /** Deleting a list also removes its associations with trunks. */
  deleteIpAccessControlList(sid: string): boolean {
    for (const trunk of this.trunks.values()) trunk.ipAccessControlLists.delete(sid);
    return this.ipAccessControlLists.delete(sid);
  }

  deleteCredentialList(sid: string): boolean {
    for (const trunk of this.trunks.values()) trunk.credentialLists.delete(sid);
    return this.credentialLists.delete(sid);
  }
}

/** `+16135550142` -> `(613) 555-0142` for North American numbers, else the E.164 form, as Twilio shows them. */
export function formatFriendlyNumber(e164: string): string {
  const m = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(e164);
  return m === null ? e164 : `(${m[1]}) ${m[2]}-${m[3]}`;
}

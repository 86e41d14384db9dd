// The config file the init wizard writes: only what the admin answered, each key with a line saying what it
// is; everything else keeps its default (examples/config.yml lists every key).

export interface InitAnswers {
  publicIp: string;
  /** E.164. */
  numbers: string[];
  profile: 'dedicated' | 'external';
  /** Absent: no Twilio account is managed from here (numbers typed, the Twilio side set up in the Console). */
  accountSid?: string;
  /** Present only when the admin chose to store it in the file. */
  authToken?: string;
  /** Set when bbb-twilio signs in with an API key; its secret only when the admin chose to store it. */
  apiKeySid?: string;
  apiKeySecret?: string;
}

const quote = (s: string): string => JSON.stringify(s);

export function renderInitConfig(answers: InitAnswers, writtenAt: Date = new Date()): string {
  const lines = [
    `# bbb-twilio configuration, written by \`bbb-twilio init\` on ${writtenAt.toISOString().slice(0, 10)}.`,
    '# Every key is explained in examples/config.yml. See what it would change with: bbb-twilio plan',
    'server:',
    '  # The address Twilio sends the calls and their audio to.',
    `  publicIp: ${answers.publicIp}`,
    '# The Twilio numbers callers dial; each is attached to the trunk bbb-twilio creates.',
    'numbers:',
    ...answers.numbers.map((n) => `  - ${quote(n)}`),
    'sip:',
    answers.profile === 'dedicated'
      ? "  # dedicated: bbb-twilio's own SIP profile on port 5080; nothing of BBB's is edited, no call is dropped."
      : "  # external: BBB's external profile on its SIP port; applying restarts it, which drops web audio.",
    `  profile: ${answers.profile}`,
    ...(answers.accountSid === undefined
      ? [
          '# No Twilio account is managed from here: set up the trunk, its origination URI and the numbers in the',
          '# Twilio Console, or add twilio.accountSid (and TWILIO_AUTH_TOKEN) to let plan and apply do it.',
        ]
      : [
          'twilio:',
          '  # Twilio Console > Account Info.',
          `  accountSid: ${answers.accountSid}`,
          ...(answers.apiKeySid !== undefined
            ? [
                '  # bbb-twilio signs in with this API key (Twilio Console > Account > API keys).',
                `  apiKeySid: ${answers.apiKeySid}`,
                ...(answers.apiKeySecret === undefined
                  ? ['  # Its secret is not stored here: set TWILIO_API_KEY_SECRET when you run bbb-twilio.']
                  : ['  # Stored at your request; this file is mode 0600. TWILIO_API_KEY_SECRET, when set, wins.', `  apiKeySecret: ${quote(answers.apiKeySecret)}`]),
              ]
            : answers.authToken === undefined
              ? ['  # The auth token is not stored here: set TWILIO_AUTH_TOKEN when you run bbb-twilio.']
              : ['  # Stored at your request; this file is mode 0600. TWILIO_AUTH_TOKEN, when set, wins.', `  authToken: ${quote(answers.authToken)}`]),
        ]),
  ];
  return lines.join('\n') + '\n';
}

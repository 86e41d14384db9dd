// PLACEHOLDER until the prompts branch lands (replaced by the merge).
export interface Prompts {
  enterPin: string;
  pinNotValid: string;
  notStarted: string;
  tryLater: string;
  meetingEnded: string;
  waitedTooLong: string;
  goodbye: string;
  holdMusic: string;
}
export const PROMPTS: Prompts = {
  enterPin: 'conference/conf-pin.wav',
  pinNotValid: 'conference/conf-bad-pin.wav',
  notStarted: 'conference/conf-bad-pin.wav',
  tryLater: 'voicemail/vm-goodbye.wav',
  meetingEnded: 'voicemail/vm-goodbye.wav',
  waitedTooLong: 'voicemail/vm-goodbye.wav',
  goodbye: 'voicemail/vm-goodbye.wav',
  holdMusic: '/hold-music.wav',
};

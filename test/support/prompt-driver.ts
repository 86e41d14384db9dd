// Drive @clack/prompts through injected streams, as a person at a terminal would: wait until a question is
// on screen, then type the keys.
import { PassThrough } from 'node:stream';

export const KEY = { enter: '\r', space: ' ', down: '\x1b[B', up: '\x1b[A', backspace: '\x7f', ctrlC: '\x03' } as const;

// Terminal control sequences (cursor moves, erase, colours) are dropped from what the driver "sees".
const CONTROL = /\x1b\[[0-9;?]*[A-Za-z]/g;

export class PromptDriver {
  readonly input = new PassThrough();
  readonly output = new PassThrough();
  private screen = '';
  private seen = 0;

  constructor() {
    // A wide terminal, so questions are not wrapped across lines.
    Object.assign(this.output, { columns: 240, rows: 60 });
    this.output.on('data', (chunk: Buffer) => {
      this.screen += chunk.toString('utf8').replace(CONTROL, '');
    });
  }

  /** Everything shown so far, without control sequences. */
  get text(): string {
    return this.screen;
  }

  /** Wait until `pattern` shows up after what was already matched; returns the text from there. */
  async waitFor(pattern: RegExp, timeoutMs = 10000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rest = this.screen.slice(this.seen);
      const m = pattern.exec(rest);
      if (m !== null) {
        this.seen += m.index + m[0].length;
        return rest;
      }
      if (Date.now() > deadline) throw new Error(`prompt ${pattern} did not show up; the screen ends with:\n${rest.slice(-800)}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Wait for the question, then type. */
  async answer(pattern: RegExp, ...keys: string[]): Promise<string> {
    const shown = await this.waitFor(pattern);
    // Let the prompt finish rendering and attach its keypress listener.
    await new Promise((resolve) => setTimeout(resolve, 30));
    for (const key of keys) {
      this.input.write(key);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return shown;
  }
}

// A small PCM WAV (8 kHz, mono, 16-bit sine) written by hand, so tests need neither sox nor the sounds package
// to have a file outside FreeSWITCH's sounds dir to play.
import { writeFile } from 'node:fs/promises';

export async function writeToneWav(file: string, seconds: number, hz = 440): Promise<void> {
  const rate = 8000;
  const samples = Math.round(rate * seconds);
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i += 1) data.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * hz * i) / rate)), i * 2);
  const head = Buffer.alloc(44);
  head.write('RIFF', 0, 'latin1');
  head.writeUInt32LE(36 + data.length, 4);
  head.write('WAVEfmt ', 8, 'latin1');
  head.writeUInt32LE(16, 16); // fmt chunk size
  head.writeUInt16LE(1, 20); // PCM
  head.writeUInt16LE(1, 22); // mono
  head.writeUInt32LE(rate, 24);
  head.writeUInt32LE(rate * 2, 28); // bytes a second
  head.writeUInt16LE(2, 32); // block align
  head.writeUInt16LE(16, 34); // bits a sample
  head.write('data', 36, 'latin1');
  head.writeUInt32LE(data.length, 40);
  await writeFile(file, Buffer.concat([head, data]));
}

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detectLineEnding, formatLineList, lineNumberAt, splitLines } from './text-lines.js';

describe('splitLines', () => {
  it('keeps each line\'s own ending and offsets, with no extra line after a final break', () => {
    const text = 'a\r\nb\nc';
    assert.deepEqual(
      splitLines(text).map((l) => [l.number, l.content, l.eol, text.slice(l.start, l.end)]),
      [
        [1, 'a', '\r\n', 'a'],
        [2, 'b', '\n', 'b'],
        [3, 'c', '', 'c'],
      ],
    );
    assert.equal(splitLines('a\n').length, 1);
    assert.equal(splitLines('').length, 0);
  });

  it('breaks on a lone carriage return only when asked to', () => {
    assert.deepEqual(splitLines('a\rb\n').map((l) => l.content), ['a\rb']);
    assert.deepEqual(splitLines('a\rb\n', { loneCarriageReturn: true }).map((l) => l.content), ['a', 'b']);
  });
});

describe('detectLineEnding, lineNumberAt and formatLineList', () => {
  it('detect the first line ending, count lines and list line numbers', () => {
    assert.equal(detectLineEnding('a\r\nb\n'), '\r\n');
    assert.equal(detectLineEnding('a\nb\r\n'), '\n');
    assert.equal(detectLineEnding('a'), '\n');
    assert.equal(lineNumberAt('a\r\nb\nc', 5), 3);
    assert.equal(formatLineList([73, 80]), '73 and 80');
    assert.equal(formatLineList([73, 80, 91]), '73, 80 and 91');
  });
});

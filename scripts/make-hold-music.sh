#!/bin/sh
# Regenerates sounds/hold-music.wav: 16 s of soft chords (C, Am, F, G, twice), 8 kHz mono 16-bit, for callers
# waiting for a meeting to start. BBB's FreeSWITCH has no mod_local_stream, so hold music must be a file.
set -eu
out="$(dirname "$0")/../sounds/hold-music.wav"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for chord in "C4 E4 G4" "A3 C4 E4" "F3 A3 C4" "G3 B3 D4"; do
  set -- $chord
  sox -n -r 8000 -c 1 -b 16 "$tmp/$1.wav" synth 2 sine "$1" sine "$2" sine "$3" remix - fade q 0.3 2 0.6 vol 0.25
done
sox "$tmp/C4.wav" "$tmp/A3.wav" "$tmp/F3.wav" "$tmp/G3.wav" "$tmp/C4.wav" "$tmp/A3.wav" "$tmp/F3.wav" "$tmp/G3.wav" "$out"

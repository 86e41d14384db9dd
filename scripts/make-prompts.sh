#!/bin/sh
# Regenerates the call service's own prompts (sounds/en/*.wav): the sentences BBB's stock sound pack does not have.
# espeak-ng speaks each one; sox makes it what FreeSWITCH plays to a phone without resampling: 8 kHz, mono,
# 16-bit PCM WAV, with a short silence after it. No dither (-D), so the same text gives the same bytes.
# Needs espeak-ng and sox (apt-get install espeak-ng sox). Run from anywhere: ./scripts/make-prompts.sh
set -eu

dir="$(cd "$(dirname "$0")/.." && pwd)/sounds/en"
mkdir -p "$dir"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

prompt() { # prompt <name> <text>
  espeak-ng -v en-us -s 150 -w "$tmp/$1.wav" "$2"
  sox -D "$tmp/$1.wav" -r 8000 -c 1 -b 16 -e signed-integer "$dir/$1.wav" gain -n -3 pad 0 0.3
  echo "$dir/$1.wav"
}

prompt welcome 'Welcome. Please enter your meeting PIN, then press pound.'
prompt meeting-not-started 'The meeting has not started yet. Please hold; you will join as soon as it starts.'
prompt pin-not-valid 'That PIN is not valid. Please try again.'
prompt too-many-invalid-pins 'Too many invalid PINs. Please try again later. Goodbye.'
prompt meeting-ended 'The meeting has ended. Goodbye.'
prompt waited-too-long 'You have waited too long. Goodbye.'
prompt muted-press-star-six 'You are muted. Press star six to unmute.'
prompt muted-press-zero 'You are muted. Press zero to unmute.'

# Music on hold, played in a loop while a caller waits. BBB's FreeSWITCH loads neither mod_local_stream nor
# mod_tone_stream (its modules.conf.xml), so `local_stream://moh` would be silence: a file of our own instead.
# A quiet plucked arpeggio, eight seconds, that loops without a click.
notes=''
for f in 261.63 329.63 392.00 523.25 392.00 329.63 293.66 349.23 440.00 587.33 440.00 349.23 261.63 329.63 392.00 329.63; do
  i=$(printf '%02d' "$(echo "$notes" | wc -w)")
  sox -D -n -r 8000 -c 1 -b 16 -e signed-integer "$tmp/note$i.wav" synth 0.5 pluck "$f" fade 0 0.5 0.1
  notes="$notes $tmp/note$i.wav"
done
# shellcheck disable=SC2086 # the note files, in order
sox -D $notes "$dir/hold-music.wav" gain -n -12
echo "$dir/hold-music.wav"

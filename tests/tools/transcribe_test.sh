#!/usr/bin/env bash
# parley_transcribe on WAV files made by the flite CLI (a voice Parley does not speak, kal16):
# 16 kHz with the language model and keyword spotting, 8 kHz with the narrowband front end.
set -euo pipefail
bin=${1:?usage: transcribe_test.sh PARLEY_TRANSCRIBE}
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
flite -voice kal16 -t "thank you for calling, where is my order" -o "$w/a16.wav"
sox "$w/a16.wav" -r 8000 -e mu-law "$w/a8.wav"
fail() { echo "transcribe_test: $*"; exit 1; }
out=$("$bin" "$w/a16.wav")
[[ "$out" == *"thank you for calling"* && "$out" == *"order"* ]] || fail "LM hypothesis was '$out'"
out=$("$bin" "$w/a16.wav" --words calling --words order --words subscription)
[[ "$out" == *calling* && "$out" == *order* && "$out" != *subscription* ]] || fail "keyword spotting gave '$out'"
printf '#JSGF V1.0;\ngrammar t;\npublic <s> = thank you for calling where is my order | cancel my subscription;\n' > "$w/g.gram"
out=$("$bin" "$w/a8.wav" --grammar "$w/g.gram")
[[ "$out" == "thank you for calling where is my order" ]] || fail "8 kHz grammar gave '$out'"
"$bin" "$w/missing.wav" >/dev/null 2>&1 && fail "a missing file must fail"
"$bin" "$w/a16.wav" --narrowband bogus >/dev/null 2>&1 && fail "a bad option must fail"
echo "transcribe_test: ok"

#!/usr/bin/env bash
# Rebuilds the onboarding demo's applicant files (a selfie and an ID photo each) from Debian's
# python3-skimage package (downloaded, not installed). Not run by the demo or the tests: the files are
# committed; see ../SOURCES.md. Needs (Debian 12): imagemagick fonts-dejavu-core.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(cd ../../.. && pwd)
IM=/usr/bin/convert           # Debian's ImageMagick 6 (a /usr/local/bin/convert stand-in may shadow it)
FONT=/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

(cd "$WORK" && apt-get download python3-skimage >/dev/null && dpkg-deb -x python3-skimage_*.deb x)
DATA="$WORK/x/usr/lib/python3/dist-packages/skimage/data"

# Head-and-shoulders crops, 320x320: the selfies and the ID portraits are cut from these.
$IM "$DATA/astronaut.png" +profile '*' -crop 300x300+100+0 +repage -resize 320x320 "$WORK/eileen.png"
$IM "$DATA/camera.png" +profile '*' -colorspace sRGB -type TrueColor -crop 260x260+150+20 +repage -resize 320x320 "$WORK/carl.png"

# selfie NAME PORTRAIT MARKERS [extra ImageMagick operators]
selfie() {
  local name=$1 portrait=$2 markers=$3; shift 3
  $IM "$WORK/$portrait.png" "$@" -set comment "$markers" -quality 78 -sampling-factor 4:2:0 "$name-selfie.jpg"
}

# card NAME PORTRAIT LABEL: an ID card (portrait, name, specimen text) lying on a grey desk, slightly turned,
# as a phone photographs it — ARGOS's ID check wants some background around the document.
card() {
  local name=$1 portrait=$2 label=$3
  $IM -size 420x264 xc:'#dfe8f1' \
    -fill '#1f4e79' -draw 'rectangle 0,0 420,40' \
    -font "$FONT" -fill white -pointsize 18 -annotate +14+27 'IDENTITY CARD  -  SPECIMEN' \
    \( "$WORK/$portrait.png" -resize 140x170! \) -geometry +16+62 -composite \
    -fill '#1f2d3d' -pointsize 15 -annotate +176+84 'Surname / Given name' \
    -pointsize 20 -annotate +176+112 "$label" \
    -pointsize 15 -annotate +176+150 'Date of birth  01.01.1990' \
    -annotate +176+176 'No.  X0000000' \
    -fill '#8a99a8' -pointsize 12 -annotate +176+236 'Not a real document: demo data' \
    "$WORK/card-$name.png"
  $IM -size 520x380 gradient:'#9a9a96'-'#6f6f6c' \
    \( "$WORK/card-$name.png" -background none -rotate -4 \) -gravity center -geometry +0+4 -composite \
    "$WORK/desk-$name.png"
}
id_photo() {
  local name=$1 markers=$2; shift 2
  $IM "$WORK/desk-$name.png" "$@" -set comment "$markers" -quality 78 -sampling-factor 4:2:0 "$name-id.jpg"
}

# 1. eileen: passes everything (same face key on the selfie and the ID portrait, no spoof, a clean ID).
selfie eileen eileen 'ARGOS-SANDBOX:FACE=eileen-collins'
card eileen eileen 'COLLINS, EILEEN'
id_photo eileen 'ARGOS-SANDBOX:FACE=eileen-collins'

# 2. carl: the "selfie" is a photo of a printed photo (washed out, soft, paper texture): fails liveness.
selfie carl carl 'ARGOS-SANDBOX:FACE=carl-cameraman ARGOS-SANDBOX:SPOOF' \
  -modulate 112,60 -blur 0x1.4 -attenuate 0.35 +noise Uniform
card carl carl 'VARSHNEY, CARL'
id_photo carl 'ARGOS-SANDBOX:FACE=carl-cameraman'

# 3. dana: a live selfie of one person, an ID with another person's portrait: the faces do not match.
selfie dana carl 'ARGOS-SANDBOX:FACE=carl-cameraman'
card dana eileen 'MORGAN, DANA'
id_photo dana 'ARGOS-SANDBOX:FACE=eileen-collins'

# 4. grace: the ID photo was taken off a screen (scan lines, blue cast, glare): ID liveness fails screen replay.
selfie grace eileen 'ARGOS-SANDBOX:FACE=eileen-collins' -flop
card grace eileen 'COLLINS, GRACE'
id_photo grace 'ARGOS-SANDBOX:FACE=eileen-collins ARGOS-SANDBOX:SCREEN_REPLAY' \
  \( +clone -fx 'j%3==0 ? 0.78 : 1' \) -compose multiply -composite \
  -fill '#3060ff' -colorize 12 \( -size 520x380 radial-gradient:'#ffffff80'-none \) -compose screen -composite

# 5. henry: uploaded a PDF where the selfie should be; his ID photo is fine but never gets that far.
node "$ROOT/scripts/lib/make-pdf.js" henry-selfie.pdf 595 842 "Applicant form - not a selfie" "This PDF was uploaded where a face photo was expected."
card henry carl 'BAKER, HENRY'
id_photo henry 'ARGOS-SANDBOX:FACE=henry-baker'

ls -l
du -ch ./*-selfie.* ./*-id.jpg | tail -1

#!/usr/bin/env bash
# Rebuilds the demo's applicant pictures from Debian's python3-skimage package (downloaded, not
# installed). Not run by the demo or the tests: the files are committed; see SOURCES.md.
# Needs (Debian 12): imagemagick webp.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(cd ../.. && pwd)
IM=/usr/bin/convert           # Debian's ImageMagick 6 (a /usr/local/bin/convert stand-in may shadow it)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

(cd "$WORK" && apt-get download python3-skimage >/dev/null && dpkg-deb -x python3-skimage_*.deb x)
DATA="$WORK/x/usr/lib/python3/dist-packages/skimage/data"

# A WebP keeps the sandbox marker in an XMP chunk (webpmux switches the file to the VP8X layout).
xmp() {
  cat > "$WORK/$1.xmp" <<XMP
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">$2</rdf:li></rdf:Alt></dc:description>
</rdf:Description></rdf:RDF></x:xmpmeta>
XMP
}

# 1. Eileen Collins (NASA portrait, public domain), 720x720 JPEG (upscaled from 512 px so the face box
#    meets ARGOS' recommended 720 px height), and the same person again as a 512 px WebP.
$IM "$DATA/astronaut.png" -filter Lanczos -resize 720x720 +profile '*' \
  -set comment 'ARGOS-SANDBOX:FACE=eileen-collins' -quality 85 -sampling-factor 4:2:0 astronaut.jpg
$IM "$DATA/astronaut.png" +profile '*' -quality 82 "$WORK/astronaut-plain.webp"
xmp astronaut 'ARGOS-SANDBOX:FACE=eileen-collins'
webpmux -set xmp "$WORK/astronaut.xmp" "$WORK/astronaut-plain.webp" -o astronaut.webp >/dev/null

# 2. The "camera" picture (CC0, Lav Varshney): a second, different person.
$IM "$DATA/camera.png" -filter Lanczos -resize 720x720 +profile '*' -colorspace sRGB -type TrueColor \
  -set comment 'ARGOS-SANDBOX:FACE=cameraman' -quality 85 cameraman.jpg

# 3. A spoof: the astronaut portrait as if photographed off a screen (desaturated, soft, moire-ish
#    scan lines); the marker makes the sandbox fail its liveness check (error 6015).
$IM "$DATA/astronaut.png" +profile '*' -modulate 105,55 -blur 0x1.2 \
  \( +clone -fx 'j%3==0 ? 0.82 : 1' \) -compose multiply -composite \
  -set comment 'ARGOS-SANDBOX:SPOOF' -quality 75 spoof-screen-photo.jpg

# 4. Not a photo: a one-page PDF (text only), which the node rejects before any request.
node "$ROOT/scripts/lib/make-pdf.js" not-a-photo.pdf 595 842 "Applicant ID form - not a selfie" "This PDF was uploaded where a face photo was expected."

ls -l
du -ch astronaut.jpg astronaut.webp cameraman.jpg spoof-screen-photo.jpg not-a-photo.pdf | tail -1

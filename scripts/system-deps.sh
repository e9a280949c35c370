#!/bin/sh
# Install the Debian packages certbench needs, when they are missing.
# As root it runs apt-get; otherwise it prints the exact line to run and fails.
#   xvfb, xauth, libxcb-*, libxkbcommon-x11-0: Qt's xcb platform under a virtual display
#   libegl1 ... libdbus-1-3: what PySide6 links against, even offscreen
#   fonts-wqy-microhei: the TrueType CJK font embedded in certificates and used by the GUI
#   poppler-utils, poppler-data: pdftoppm, pdftotext and pdfsig, to look at and check PDFs
#   zbar-tools: zbarimg, to decode the certificate's QR code in tests
#   postgresql: the server the test suite runs the storage tests against
set -eu
PKGS="libegl1 libgl1 libfontconfig1 libglib2.0-0 libxkbcommon0 libdbus-1-3 \
xvfb xauth libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0 \
libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0 \
fonts-wqy-microhei poppler-utils poppler-data zbar-tools postgresql"

missing=""
for p in $PKGS; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  case "$status" in
    *"install ok installed"*) ;;
    *) missing="$missing $p" ;;
  esac
done
[ -z "$missing" ] && exit 0

line="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" = 0 ]; then
  echo "system-deps: installing$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing
else
  echo "system-deps: missing Debian packages. Run as root:" >&2
  echo "  apt-get update && $line" >&2
  exit 1
fi

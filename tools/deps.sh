#!/bin/sh
# deps.sh - installs the Debian packages fivestar needs, where they are missing.
#
#   tools/deps.sh build   libraries and fonts for building and rendering
#   tools/deps.sh check   the above plus the tools the tests read PDFs and
#                         DOCX files with (poppler-utils, qpdf, LibreOffice…)
#   tools/deps.sh valgrind check's, plus valgrind
#   tools/deps.sh fuzz    build's, plus clang and its libFuzzer runtime
#   tools/deps.sh bench   build's, plus GNU time (peak memory)
#   tools/deps.sh lint    build's, plus cppcheck
#   tools/deps.sh --missing compile
#                         prints the missing packages needed to compile
#                         (nothing when all are there) and installs nothing:
#                         the Makefile's check before a plain `make`
#
# It looks before it installs (pkg-config, headers, font files, commands),
# says what it installs, and stops with a clear message when it is not root.
set -eu
mode=install
if [ "${1:-}" = --missing ]; then mode=missing; shift; fi
what=${1:-build}
missing=""

need_pc()   { pkg-config --exists "$1" 2>/dev/null || missing="$missing $2"; }
need_file() { [ -e "$1" ] || missing="$missing $2"; }
need_cmd()  { command -v "$1" >/dev/null 2>&1 || missing="$missing $2"; }

need_cmd pkg-config pkg-config
need_cmd cc gcc
need_cmd make make
need_file /usr/include/hpdf.h libhpdf-dev
need_pc libxml-2.0 libxml2-dev
need_pc libzip libzip-dev
need_pc harfbuzz-subset libharfbuzz-dev
need_pc libdeflate libdeflate-dev
# The bundle: qpdf's C API merges PDFs; libpng decodes PNG evidence.
need_pc libqpdf libqpdf-dev
need_pc libpng libpng-dev
need_pc libmicrohttpd libmicrohttpd-dev
[ "$what" = compile ] || need_pc check check
# The build checks the shipped templates against their schemas once
# (tools/known-templates.sh); without it they are checked at every run.
[ "$what" = compile ] || need_cmd xmllint libxml2-utils
if [ "$what" != compile ]; then
# The default fonts of fonts/fonts.conf (see fonts/README).
need_file /usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf fonts-arphic-gbsn00lp
need_file /usr/share/fonts/truetype/arphic/uming.ttc fonts-arphic-uming
need_file /usr/share/fonts/truetype/wqy/wqy-microhei.ttc fonts-wqy-microhei
need_file /usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf fonts-lxgw-wenkai
need_file /usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf fonts-liberation
need_file /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf fonts-droid-fallback
# The sRGB profile of PDF/A output intents (archive, --pdfa).
need_file /usr/share/color/icc/sRGB.icc icc-profiles-free
fi
case $what in check|valgrind)
    need_cmd pdftotext poppler-utils
    need_cmd pdftoppm poppler-utils
    need_cmd qpdf qpdf
    need_cmd unzip unzip
    need_cmd script bsdutils
    # DOCX checks: python-docx with Debian's own python, LibreOffice.
    /usr/bin/python3 -c 'import docx' >/dev/null 2>&1 || missing="$missing python3-docx"
    need_cmd soffice libreoffice-writer-nogui
    # Which font draws each character of a PDF (tests/pdf_fonts.py); a
    # clerk's edit through LibreOffice's UNO bridge (tests/docx_edit.py).
    /usr/bin/python3 -c 'import fontTools' >/dev/null 2>&1 || missing="$missing python3-fonttools"
    /usr/bin/python3 -c 'import uno' >/dev/null 2>&1 || missing="$missing python3-uno"
    need_file /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf fonts-dejavu-core
    # fivestar serve in a real browser (tests/serve_browser.py).
    need_cmd chromium chromium
    need_cmd chromedriver chromium-driver
    /usr/bin/python3 -c 'import selenium' >/dev/null 2>&1 || missing="$missing python3-selenium" ;;
esac
case $what in
fuzz)
    need_cmd clang clang
    # libFuzzer's runtime (-fsanitize=fuzzer) ships apart from clang.
    [ -n "$(ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a 2>/dev/null)" ] ||
        missing="$missing libclang-rt-dev" ;;
valgrind)
    need_cmd valgrind valgrind ;;
bench)
    need_file /usr/bin/time time ;;
lint)
    need_cmd cppcheck cppcheck ;;
esac

# pkg-config alone can't find what it has not been installed with yet.
missing=$(printf '%s\n' $missing | sort -u | tr '\n' ' ')
if [ "$mode" = missing ]; then
    echo $missing
    exit 0
fi
if [ -z "${missing# }" ]; then
    exit 0
fi
echo "deps: missing Debian packages:$missing" | sed 's/  */ /g'
if [ "$(id -u)" != 0 ]; then
    echo "deps: not root: install them with  sudo apt-get install$missing" >&2
    exit 1
fi
echo "deps: installing them with apt-get"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing

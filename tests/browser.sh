#!/usr/bin/env bash
# The browser tests (tests/browser/) drive Debian's Chromium through Playwright for Python: Playwright's own
# browser download cannot be reached here, so the tests launch /usr/bin/chromium. The Firefox tests
# (tests/browser/test_firefox.py) drive Debian's firefox-esr through Marionette. This makes sure both are
# installed, with the CJK fonts the pages are read in and Chromium's Chinese interface (the file picker's 选择文件
# in the screenshots): from Debian's `chromium`, `firefox-esr`, `fonts-noto-cjk` and `chromium-l10n` packages
# when they are missing and we are root. Silent when all are there.
set -euo pipefail

chromium=/usr/bin/chromium
firefox=/usr/bin/firefox-esr

have_chromium() {
	[ -x "$chromium" ]
}

have_firefox() {
	[ -x "$firefox" ]
}

have_cjk_fonts() {
	compgen -G '/usr/share/fonts/opentype/noto/Noto*CJK*' > /dev/null
}

have_chinese_interface() {
	[ -e /usr/lib/chromium/locales/zh-CN.pak ]
}

have_chromium && have_firefox && have_cjk_fonts && have_chinese_interface && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "浏览器测试需要 Chromium（$chromium）、它的中文界面、Firefox（$firefox）和中文字体，本机没有找到。" >&2
	echo "请先安装：sudo apt-get install chromium chromium-l10n firefox-esr fonts-noto-cjk（或以 root 运行 make test，由它安装）。" >&2
	exit 1
fi

echo "安装 Chromium、Firefox 和中文字体（Debian 的 chromium、chromium-l10n、firefox-esr、fonts-noto-cjk 软件包）……"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium chromium-l10n firefox-esr fonts-noto-cjk; } \
	> "$log" 2>&1; then
	cat "$log" >&2
	echo "安装 Chromium 或 Firefox 失败（见上面 apt-get 的输出）。" >&2
	exit 1
fi

if ! have_chromium; then
	echo "已安装 chromium 软件包，但仍找不到 $chromium。" >&2
	exit 1
fi

if ! have_firefox; then
	echo "已安装 firefox-esr 软件包，但仍找不到 $firefox。" >&2
	exit 1
fi

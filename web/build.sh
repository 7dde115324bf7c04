#!/bin/sh
# Front-end libraries of the web console: ECharts and htmx from the npm registry (versions pinned in
# package-lock.json), copied into src/govinspect/web/static/vendor/ (git-ignored, never committed).
# Without npm, or offline, the console still works: charts show as tables, forms post normally.
set -u
here=$(cd "$(dirname "$0")" && pwd)
dest="$here/../src/govinspect/web/static/vendor"
if ! command -v npm >/dev/null 2>&1; then
  echo "web/build.sh: 未找到 npm，跳过前端库（控制台图表将以表格显示）" >&2
  exit 0
fi
cd "$here" || exit 0
if ! npm ci --no-audit --no-fund --loglevel=error; then
  echo "web/build.sh: npm ci 失败，跳过前端库（控制台图表将以表格显示）" >&2
  exit 0
fi
mkdir -p "$dest"
cp node_modules/echarts/dist/echarts.min.js "$dest/echarts.min.js"
cp node_modules/htmx.org/dist/htmx.min.js "$dest/htmx.min.js"
echo "web/build.sh: 已复制 echarts.min.js、htmx.min.js 到 $dest"

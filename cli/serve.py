"""kaohe serve: the web application on a round database, under waitress."""
from __future__ import annotations

import click

from .chinese import IntegerRange
from .round import DEFAULT_DATABASE

db_option = click.option("--db", envvar="KAOHE_DB", default=DEFAULT_DATABASE, show_default=True, metavar="文件或地址",
                         help="考核轮次数据库：SQLite 文件，或 PostgreSQL 地址（环境变量 KAOHE_DB）。")


@click.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, metavar="地址",
              help="监听的地址；内网中供其他电脑访问时用 0.0.0.0，并用 --allowed-host 写明访问用的主机名或 IP。")
@click.option("--port", default=8000, show_default=True, type=IntegerRange(1, 65535), metavar="端口")
@click.option("--allowed-host", "allowed_hosts", multiple=True, metavar="主机名",
              help="浏览器地址栏中用的主机名或 IP，如 kaohe.zjb.gov 或 10.1.2.3；可写多次。")
@click.option("--secure-cookies", is_flag=True,
              help="只经 HTTPS 发送登录 Cookie（服务器前面有 HTTPS 反向代理时使用；纯 HTTP 访问时不要用）。")
def serve(db, host, port, allowed_hosts, secure_cookies) -> None:
    """启动网页端（waitress 服务器）：单位登录后下载填报表、上传自查、报送、查看评分表；考核办查看进度。

    先升级数据库的表结构；会话密钥取自环境变量 KAOHE_SECRET_KEY，或数据库旁 <数据库>.web/secret-key
    （首次启动时生成）。上传的文件在报送前暂存在同一文件夹，不对外提供。

    \b
    示例：
      kaohe users add 鹿城区张三 --role unit --round wz2014 --unit 鹿城区
      kaohe serve --db kaohe.sqlite3 --port 8000
      kaohe serve --host 0.0.0.0 --allowed-host 10.1.2.3
    """
    from kaohe.round.database import check_file, is_url, open_database
    check_file(db, creating=False)  # a missing or foreign file: refused before anything is made beside it
    from kaohe.web.serving import prepare, run
    private = prepare(db, host, allowed_hosts, secure_cookies)
    open_database(db)
    where = "数据库服务器" if is_url(db) else f"数据库 {db}"
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"kaohe 网页端已启动：http://{shown}:{port}/（{where}，私有文件夹 {private}；按 Ctrl-C 停止）",
               err=True)
    try:
        run(host, port)
    except KeyboardInterrupt:
        click.echo("网页端已停止。", err=True)

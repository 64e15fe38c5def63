"""Shared pieces of the benchmarks: synthetic Chinese chat, keyword rules, configs, processes, metrics.

Everything here is deterministic for a given seed so two runs measure the same work.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
SECRET = "bench-onebot-secret"
API_TOKEN = "bench-api-token"
ADAPTER = "qq"
SELF_ID = 10001
BASE_TIME = 1767225600  # 2026-01-01T00:00:00Z

# Chat lines of the kind a hobby / consumer community writes (wine, food, travel, kids, gadgets …).
SENTENCES = [
    "今天晚上有人一起去吃火锅吗", "这款赤霞珠口感很柔顺，性价比挺高的", "周末带孩子去公园玩了一天，累但开心",
    "有没有推荐的入门相机，预算五千左右", "刚从云南自驾回来，风景真的太美了", "群里有人喝过这个产区的干红吗",
    "物流太慢了，等了一个星期还没发货", "客服态度很好，退换也很方便", "早上跑了十公里，感觉整个人都精神了",
    "最近在读一本关于历史的书，推荐给大家", "这家咖啡店的手冲很不错，环境也安静", "双十一有什么优惠活动吗",
    "我家猫咪最近不爱吃猫粮，怎么办", "新出的耳机音质怎么样，值得买吗", "下周六线下聚会，大家报名一下",
    "请教一下，醒酒大概需要多长时间", "昨天看的电影一般般，有点失望", "这个团购价格比超市便宜多了",
    "年份不同的酒差别真的这么大吗", "孩子上幼儿园以后生病变多了", "机票订好了，下个月去日本旅游",
    "晚上有空一起打球吗，老地方见", "收到货了，包装很好，点个赞", "这家餐厅排队要一个小时，太夸张了",
    "有人用过这个牌子的电脑吗，散热怎么样", "明天降温了，大家注意保暖", "哈哈哈哈笑死我了",
    "好的收到，谢谢群主", "这个问题我也遇到过，重启一下就好了", "上次买的白酒是正品吗，怎么鉴别",
    "威士忌加冰还是纯饮比较好", "瑜伽课程报名截止到本周五", "早安各位，今天也要加油", "晚安，明天见",
    "给大家分享一个拍照的小技巧", "这个镜头拍人像特别好看", "有没有一起学习英语的朋友", "价格有点太贵了，再等等打折",
    "红酒配牛排真的绝了", "第一次喝黑皮诺，果香很明显", "我觉得梅洛比赤霞珠更容易入口", "周末去郊区露营，有一起的吗",
    "宝宝晚上总是哭闹，有经验的妈妈说说", "这个歌单太好听了，单曲循环中", "演唱会的票抢到了吗",
    "最近在追一部剧，剧情很精彩", "健身房办卡被坑了，大家小心", "售后一直不回复，准备投诉了",
    "这次活动组织得很好，给大家好评", "茶叶是朋友从福建带回来的", "奶茶喝多了要长胖的", "拿铁和美式你们更喜欢哪个",
    "显卡价格终于降下来了", "手机摔坏了，屏幕碎了一角", "狗狗每天都要遛两次", "有人知道附近哪里有宠物医院吗",
    "读完这本书感觉收获很大", "书单已经整理好了，发在群文件里", "酱香型的白酒我不太喝得惯", "单一麦芽的味道更有层次",
    "白兰地适合饭后慢慢品", "这家店的烧烤是我吃过最好吃的", "探店视频拍好了，晚点发出来", "下馆子还是自己做饭划算",
    "酒店的早餐种类很丰富", "出游高峰期到处都是人", "马拉松报名成功了，开始训练", "减脂期间只能看着大家吃",
    "撸铁三个月，终于看到效果了", "修图软件哪个比较好用", "胶片相机现在越来越贵了", "认识一下，我是新来的",
    "约饭约饭，好久没见了", "有没有人想交朋友的，私聊我", "这个教程讲得很清楚，适合新手", "课程的回放在哪里看",
    "包邮吗，偏远地区加运费吗", "精品咖啡豆一般去哪里买", "差评，发过来的东西是坏的", "坑人的商家，大家避雷",
]
# Small talk without any topic: most real group traffic.
CHATTER = [
    "哈哈", "好的", "收到", "谢谢", "+1", "同意", "是的是的", "对对对", "我也是", "在吗", "早", "晚安", "辛苦了",
    "太真实了", "哈哈哈哈哈", "可以的", "没问题", "明白了", "了解", "我看看", "等一下", "刚看到消息",
    "不好意思回复晚了",
    "大家今天都忙什么呢", "下班了吗", "今天天气不错", "周末愉快", "新年快乐", "群里好热闹", "潜水好久了出来冒个泡",
    "这个我不太懂", "有道理", "厉害了", "羡慕", "好久不见", "欢迎新朋友", "红包谢谢老板", "我先去忙了", "回头聊",
]
EXTRAS = ["", "", "", "😂", "👍", "[图片]", "～", "！", "？？", "1", "2333", "OK", "哈哈", "🍷", "https://example.com/a"]
# Traditional forms show up from Hong Kong / Taiwan members; normalization folds them.
TRADITIONAL = ["紅酒真好喝", "這個價格太貴了", "週末一起去旅遊", "攝影師拍得很專業", "咖啡廳環境不錯"]


def chinese_text(rng: random.Random) -> str:
    """A realistic chat line: one to three phrases, sometimes Traditional, emoji or a link."""
    if rng.random() < 0.5:
        return rng.choice(CHATTER) + rng.choice(EXTRAS)
    parts = [rng.choice(SENTENCES) for _ in range(rng.choice((1, 1, 1, 2, 2, 3)))]
    if rng.random() < 0.05:
        parts.append(rng.choice(TRADITIONAL))
    return "，".join(parts) + rng.choice(EXTRAS)


BASE_TAGS: list[tuple[str, str, list[str]]] = [
    ("红酒", "interest", ["红酒", "葡萄酒", "干红", "干白", "赤霞珠", "梅洛", "黑皮诺", "醒酒", "wine"]),
    ("烈酒", "interest", ["威士忌", "单一麦芽", "白兰地", "酱香", "白酒", "whisky"]),
    ("美食", "interest", ["美食", "餐厅", "火锅", "烧烤", "探店", "下馆子", "好吃"]),
    ("摄影", "interest", ["摄影", "相机", "拍照", "镜头", "胶片", "修图"]),
    ("旅行", "interest", ["旅行", "旅游", "自驾", "机票", "酒店", "出游"]),
    ("健身", "interest", ["健身", "跑步", "瑜伽", "撸铁", "马拉松", "减脂"]),
    ("亲子", "interest", ["孩子", "宝宝", "亲子", "幼儿园", "带娃"]),
    ("读书", "interest", ["读书", "书单", "看书", "阅读", "读完"]),
    ("咖啡茶饮", "interest", ["咖啡", "手冲", "拿铁", "奶茶", "喝茶", "茶叶"]),
    ("数码", "interest", ["手机", "电脑", "耳机", "数码", "显卡"]),
    ("宠物", "interest", ["猫咪", "狗狗", "宠物", "铲屎", "猫粮"]),
    ("电影音乐", "interest", ["电影", "音乐会", "演唱会", "追剧", "歌单"]),
    ("价格敏感", "motive", ["优惠", "打折", "便宜", "团购", "性价比", "折扣", "砍价", "太贵"]),
    ("品质追求", "motive", ["品质", "正品", "口感", "产区", "年份", "精品"]),
    ("服务依赖", "motive", ["售后", "客服", "退换", "发货", "物流", "包邮"]),
    ("交友", "need", ["交朋友", "认识一下", "约饭", "聚会", "线下"]),
    ("学习", "need", ["学习", "课程", "请教", "入门", "教程"]),
    ("投诉", "feedback", ["投诉", "太差", "失望", "差评", "坑人"]),
    ("好评", "feedback", ["推荐", "好喝", "满意", "点赞", "好评"]),
]


def _char_pool() -> list[str]:
    chars = sorted({c for s in SENTENCES for c in s if "\u4e00" <= c <= "\u9fff"})
    return chars


def make_rules(n: int, seed: int = 8) -> list[tuple[str, str, list[str]]]:
    """``n`` keyword rules: the example config's 19, then generated ones (2–4 character words made of the
    characters chat actually uses, so some hit and most do not, as with a real large rule set)."""
    rng = random.Random(seed + n)
    rules = list(BASE_TAGS[:n])
    pool = _char_pool()
    seen = {kw for _n, _c, kws in rules for kw in kws}
    cats = ["interest", "motive", "need", "feedback", "channel"]
    i = 0
    real = min(0.3, 10 / n)  # about the same number of keywords that really occur, whatever n
    while len(rules) < n:
        i += 1
        kws: list[str] = []
        while len(kws) < rng.randint(3, 6):
            if rng.random() < real:  # a real substring of chat text: these hit
                s = rng.choice(SENTENCES)
                k = rng.randint(2, 4)
                start = rng.randrange(0, max(1, len(s) - k))
                kw = s[start:start + k]
                if any(not ("\u4e00" <= c <= "\u9fff") for c in kw):
                    continue
            else:
                kw = "".join(rng.choice(pool) for _ in range(rng.choice((2, 3, 3, 3, 4, 4))))
            if kw not in seen:
                seen.add(kw)
                kws.append(kw)
        rules.append((f"标签{i:04d}", cats[i % len(cats)], kws))
    return rules


def toml_str(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def write_config(folder: Path, db: Path, groups: int, rules: Sequence[tuple[str, str, list[str]]],
                 sync: str = "normal", workers: int = 1, url: str | None = None,
                 processors: int | None = None) -> Path:
    """A quntag config: one OneBot adapter, ``groups`` listed groups, the given ``[[tags]]``; the SQLite
    file ``db`` unless ``url`` names another database; ``processors`` None leaves quntag's default."""
    lines = [
        # the load generator is one client address opening up to 128 connections: no per-client cap
        "[server]", f"api_token = {toml_str(API_TOKEN)}", "max_connections_per_client = 0", f"workers = {workers}",
        *([f"processors = {processors}"] if processors is not None else []), "", "[storage]",
        f"url = {toml_str(url or 'sqlite:///' + str(db))}",
        f"sync = {toml_str(sync)}", "",
        f"[adapters.{ADAPTER}]", 'type = "onebot"', f"secret = {toml_str(SECRET)}",
        'access_token = "bench-access-token"', 'api_base = "http://127.0.0.1:9"', "",
    ]
    for name, cat, kws in rules:
        lines += ["[[tags]]", f"name = {toml_str(name)}", f"category = {toml_str(cat)}",
                  "keywords = [" + ", ".join(toml_str(k) for k in kws) + "]", ""]
    for g in range(groups):
        lines += ["[[groups]]", f'id = "{ADAPTER}:{group_id(g)}"', f"name = {toml_str(f'社群{g + 1:02d}群')}", ""]
    path = folder / "config.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def group_id(g: int) -> int:
    return 700000000 + g


def signature(body: bytes) -> str:
    return "sha1=" + hmac.new(SECRET.encode(), body, hashlib.sha1).hexdigest()


NICKS = ["小王", "阿杰", "Lily", "老张", "静静", "大鹏", "Kevin", "小美", "胖虎", "阿花", "酒友", "老李", "Mia", "晨晨"]


def onebot_body(rng: random.Random, message_id: int, user_id: int, gid: int, at: int) -> bytes:
    """One OneBot v11 group message event, as NapCat / LLOneBot post it (segment array)."""
    text = chinese_text(rng)
    payload = {
        "time": at, "self_id": SELF_ID, "post_type": "message", "message_type": "group", "sub_type": "normal",
        "message_id": message_id, "group_id": gid, "user_id": user_id, "anonymous": None,
        "message": [{"type": "text", "data": {"text": text}}], "raw_message": text, "font": 0,
        "sender": {"user_id": user_id, "nickname": NICKS[user_id % len(NICKS)] + str(user_id % 1000),
                   "card": "", "role": "member"},
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def write_bodies(path: Path, count: int, members: int, groups: int, seed: int = 1,
                 distinct_members: bool = False, first_id: int = 1) -> Path:
    """``count`` signed events, one per line: ``<X-Signature>\\t<JSON body>``; every ``message_id`` distinct.

    ``members`` users spread over ``groups`` groups (a member stays in one group); with
    ``distinct_members`` every event comes from a new member (the RSS run)."""
    rng = random.Random(seed)
    now = int(time.time())
    per_group = max(1, members // groups)
    with path.open("wb") as out:
        for i in range(count):
            if distinct_members:
                uid = 30000000 + first_id + i
                g = i % groups
            else:
                m = rng.randrange(members)
                uid, g = 20000000 + m, m // per_group % groups
            at = now - rng.randrange(0, 3600)
            body = onebot_body(rng, first_id + i, uid, group_id(g), at)
            out.write(signature(body).encode() + b"\t" + body + b"\n")
    return path


def read_bodies(path: Path) -> list[tuple[str, bytes]]:
    out = []
    with path.open("rb") as f:
        for line in f:
            sig, _, body = line.rstrip(b"\n").partition(b"\t")
            out.append((sig.decode(), body))
    return out


# -- processes ------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def have_uvloop() -> bool:
    try:
        import uvloop  # noqa: F401
    except ImportError:
        return False
    return True


def loop_name() -> str:
    return "uvloop" if have_uvloop() else "asyncio"


def python_cmd(args: Sequence[str]) -> list[str]:
    """Run ``python <args>`` under the same event loop implementation as every other server here."""
    return [sys.executable, str(BENCH / "run_loop.py"), *args]


class Proc:
    """A server process started for a benchmark; waits for a line saying it listens."""

    def __init__(self, argv: Sequence[str], ready: str, cwd: Path | None = None,
                 env: dict[str, str] | None = None) -> None:
        self.proc = subprocess.Popen(list(argv), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                     cwd=cwd or ROOT, env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})})
        assert self.proc.stdout is not None
        deadline = time.time() + 60
        out = []
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            out.append(line)
            if ready in line:
                break
            if not line and self.proc.poll() is not None:
                raise RuntimeError(f"{argv[:4]} did not start (exit {self.proc.poll()}):\n{''.join(out)}")
        else:
            self.stop()
            raise RuntimeError(f"{argv[:4]} did not start in time")

    @property
    def pid(self) -> int:
        return self.proc.pid

    def stop(self) -> str:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        assert self.proc.stdout is not None
        return self.proc.stdout.read()


@contextlib.contextmanager
def started(argv: Sequence[str], ready: str, **kw: Any) -> Iterator[Proc]:
    p = Proc(argv, ready, **kw)
    try:
        yield p
    finally:
        p.stop()


def proc_status(pid: int, field: str) -> int:
    """A ``kB`` field of /proc/<pid>/status (VmHWM, VmRSS) in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    return 0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (all its threads) so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def process_tree(pid: int) -> list[int]:
    """``pid`` and all its descendants (``quntag serve --workers N``: the parent, web processes, processor)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        for task in Path(f"/proc/{p}/task").glob("*"):
            with contextlib.suppress(OSError):
                todo += [int(c) for c in (task / "children").read_text().split()]
    return out


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds of ``pid`` and its live descendants."""
    total = 0.0
    for p in process_tree(pid):
        with contextlib.suppress(OSError):
            total += cpu_seconds(p)
    return total


def tree_pss(pid: int) -> int:
    """Proportional set size of ``pid`` and its descendants, in bytes: pages the forked processes share
    counted once in all (what the processes hold together now)."""
    total = 0
    for p in process_tree(pid):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) * 1024
    return total


def tree_status(pid: int, field: str) -> int:
    """A ``kB`` field (VmHWM, VmRSS) summed over ``pid`` and its descendants, in bytes: for VmHWM the sum of
    each process's own peak, an upper bound of what they held at once."""
    total = 0
    for p in process_tree(pid):
        with contextlib.suppress(OSError):
            total += proc_status(p, field)
    return total


# -- HTTP helpers (stdlib: the benchmark's own requests must not need the event loop) -------------

def http_get(url: str, timeout: float = 30.0, tries: int = 3) -> bytes:
    """GET on loopback; retried, since a saturated 2-core box can starve the server for a while.
    Sends the API token: /healthz details (the inbox backlog) need it."""
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {API_TOKEN}"})
    for attempt in range(tries):
        try:
            with urllib.request.urlopen(request, timeout=timeout) as r:
                return bytes(r.read())
        except (TimeoutError, urllib.error.URLError):
            if attempt == tries - 1:
                raise
            time.sleep(1.0)
    raise AssertionError("unreachable")


_METRIC = re.compile(r'^(\w+)(?:\{([^}]*)\})?\s+([0-9.eE+-]+|NaN)$')


def metrics(base: str) -> dict[str, float]:
    """``/metrics`` as {name{labels}: value}; labels kept as written."""
    out: dict[str, float] = {}
    for line in http_get(base + "/metrics").decode().splitlines():
        m = _METRIC.match(line)
        if m:
            name, labels, value = m.groups()
            out[f"{name}{{{labels}}}" if labels else name] = float(value)
    return out


def processed(base: str) -> float:
    return metrics(base).get(f'quntag_events_processed_total{{adapter="{ADAPTER}"}}', 0.0)


def health(base: str) -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads(http_get(base + "/healthz"))
    except urllib.error.HTTPError as exc:  # 503 still carries the JSON
        data = json.loads(exc.read())
    return data


def pending(base: str) -> int:
    return int(health(base).get("inbox", {}).get("pending", -1))


def wait_drained(base: str, limit_s: float) -> float | None:
    """Seconds until ``inbox.pending`` reached 0 (None when it did not within ``limit_s``)."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < limit_s:
        if pending(base) == 0:
            return time.perf_counter() - t0
        time.sleep(0.1)
    return None

"""Whatever a member writes comes back as that text, on every platform (issue 11, finding 2).

For each adapter: ``send`` an Outgoing whose text and mention display name are member-controlled
(markup of every platform included) to a fake platform server, read what it received the way the
platform renders it (Telegram HTML, OneBot segments, Feishu post, DingTalk text with ``atUserIds``,
WeCom ``<@userid>`` text and CommonMark markdown, generic JSON), and get the original text back with
exactly the mentions we meant: no extra mention, link, style or block of its own.
"""

from __future__ import annotations

import html.parser
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from bot.adapters import adapter_types
from bot.core.adapter import AdapterDeps
from bot.core.events import ChatRef, UserRef
from bot.core.outgoing import Mention, Outgoing, Text
from bot.faces.demo.receiver import start_site
from tests.adapters._cn_helpers import DINGTALK_SECRET, WECOM_AES, WECOM_TOKEN, Clock, FakeAPI, dingtalk_headers
from tests.adapters._helpers import TG_TOKEN, FakeOneBot, FakeTelegram, parse_and_learn

MARKUP = ['<at user_id="all">所有人</at>', "<at user_id='ou_x'></at>", "[点我领红包](http://evil.example)", "<@all>",
          "<@bob>", "[CQ:at,qq=all]", "&#91;CQ:at,qq=all&#93;", "**", "__", "`", "```", "~~", "# ", "- ", "+ ", "1. ",
          "2) ", "> ", "|a|b|\n|-|-|", "&amp;", "&lt;", "&#60;", "<b>", "</a>", '<a href="tg://user?id=1">x</a>',
          "![x](http://e.example/i.png)", "<http://evil.example>", "[x]: http://evil.example", "\\", "\\*", "@所有人",
          "@all", "\n", "\n\n", "    ", "\t", "\u200b", '<font color="warning">', "===", "---", "***", "<br>", "<!--"]
TEXT = st.characters(blacklist_categories=("Cs", "Cc"))
member_text = st.lists(st.one_of(st.sampled_from(MARKUP), st.text(TEXT, max_size=12),
                                 st.text(st.sampled_from("<>&[]()*_`~#|!\\@\"'=-+.:/ \n1"), max_size=8)),
                       max_size=6).map("".join)
display_name = member_text.map(lambda s: s[:60])
SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
NOW = 1767225600.0


def outgoing(adapter: str, chat: str, uid: str, before: str, name: str, after: str) -> Outgoing:
    return Outgoing(ChatRef(adapter, chat), (Text(before), Mention(UserRef(adapter, uid), name), Text(after)))


def tokens(*items: tuple[str, str]) -> list[tuple[str, str]]:
    """Adjacent text tokens merged, empty ones dropped: how two renderings are compared."""
    out: list[tuple[str, str]] = []
    for kind, value in items:
        if kind == "text" and out and out[-1][0] == "text":
            out[-1] = ("text", out[-1][1] + value)
        elif kind != "text" or value:
            out.append((kind, value))
    return [t for t in out if t != ("text", "")]


def visible(s: str) -> str:
    """What a reader sees: zero-width spaces are invisible, runs of whitespace look alike."""
    return " ".join(s.replace("\u200b", "").split())


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as s:
        yield s


@pytest.fixture
async def api() -> AsyncIterator[FakeAPI]:
    fake = FakeAPI(defaults={"/out": (200, {}), "/open-apis/auth/v3/tenant_access_token/internal":
                             (200, {"code": 0, "tenant_access_token": "t", "expire": 7200}),
                             "/open-apis/im/v1/messages": (200, {"code": 0}),
                             "/robot/sendBySession": (200, {"errcode": 0}),
                             "/cgi-bin/aibot/response": (200, {"errcode": 0}),
                             "/cgi-bin/webhook/send": (200, {"errcode": 0})})
    await fake.start()
    yield fake
    await fake.stop()


def build(kind: str, options: dict[str, Any], session: aiohttp.ClientSession, **deps: Any) -> Any:
    return adapter_types()[kind].build(kind, options, AdapterDeps(session=session, clock=Clock(NOW), **deps))


async def send_through(platform: web.Application, kind: str, options: dict[str, Any],
                       session: aiohttp.ClientSession, out: Outgoing) -> None:
    """Serve ``platform`` on loopback for one ``send`` of ``out`` by a ``kind`` adapter."""
    runner, base = await start_site(platform)
    try:
        await build(kind, {**options, "api_base": base}, session).send(out)
    finally:
        await runner.cleanup()


# -- generic: plain JSON ---------------------------------------------------------------------------------
@SETTINGS
@given(before=member_text, name=display_name, after=member_text)
async def test_generic(api: FakeAPI, session: aiohttp.ClientSession, before: str, name: str, after: str) -> None:
    a = build("generic", {"secret": "s", "outbound_url": api.base + "/out"}, session)
    await a.send(outgoing("generic", "g-1", "u-2", before, name, after))
    body = api.calls[-1].body
    assert body["text"] == before + "@" + (name or "u-2") + after and body["mentions"] == ["u-2"]


# -- Telegram: HTML ---------------------------------------------------------------------------------------
class TelegramHTML(html.parser.HTMLParser):
    """Reads a parse_mode=HTML text as Telegram does: entities decoded, only ``<a href>`` here."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[tuple[str, str]] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.items.append(("link", dict(attrs).get("href") or ""))

    def handle_endtag(self, tag: str) -> None:
        self.tags.append("/" + tag)

    def handle_data(self, data: str) -> None:
        self.items.append(("text", data))


@SETTINGS
@given(before=member_text, name=display_name, after=member_text)
async def test_telegram(session: aiohttp.ClientSession, before: str, name: str, after: str) -> None:
    fake = FakeTelegram()
    await send_through(fake.app(), "telegram", {"token": TG_TOKEN, "secret_token": "s"}, session,
                       outgoing("telegram", "-100123", "4242", before, name, after))
    [params] = fake.sent
    reader = TelegramHTML()
    reader.feed(params["text"])
    reader.close()
    assert reader.tags == ["a", "/a"]
    assert tokens(*reader.items) == tokens(("text", before), ("link", "tg://user?id=4242"),
                                           ("text", name or "4242"), ("text", after))


# -- OneBot: segment arrays ------------------------------------------------------------------------------
@SETTINGS
@given(before=member_text, name=display_name, after=member_text)
async def test_onebot(session: aiohttp.ClientSession, before: str, name: str, after: str) -> None:
    fake = FakeOneBot()
    await send_through(fake.app(), "onebot", {"secret": "s", "access_token": "ob-token"}, session,
                       outgoing("onebot", "987654", "20002", before, name, after))
    [(_, body)] = fake.sent
    seen = [("text", s["data"]["text"]) if s["type"] == "text" else (s["type"], s["data"].get("qq", ""))
            for s in body["message"]]
    assert tokens(*seen) == tokens(("text", before), ("at", "20002"), ("text", after))


# -- Feishu: post ----------------------------------------------------------------------------------------
@SETTINGS
@given(before=member_text, name=display_name, after=member_text)
async def test_feishu(api: FakeAPI, session: aiohttp.ClientSession, before: str, name: str, after: str) -> None:
    a = build("feishu", {"app_id": "cli", "app_secret": "s", "verification_token": "v", "encrypt_key": "k",
                         "api_base": api.base}, session)
    await a.send(outgoing("feishu", "oc_1", "ou_bob", before, name, after))
    body = api.to("/open-apis/im/v1/messages")[-1].body
    assert body["msg_type"] == "post"
    seen: list[tuple[str, str]] = []
    for i, line in enumerate(json.loads(body["content"])["zh_cn"]["content"]):
        seen += [("text", "\n")] if i else []
        for el in line:
            assert set(el) <= {"tag", "text", "user_id"} and el["tag"] in ("text", "at"), el
            seen.append(("text", el["text"]) if el["tag"] == "text" else ("at", el["user_id"]))
    assert tokens(*seen) == tokens(("text", before), ("at", "ou_bob"), ("text", after))


# -- DingTalk: text with atUserIds ------------------------------------------------------------------------
@SETTINGS
@given(before=member_text, name=display_name, after=member_text)
async def test_dingtalk(api: FakeAPI, session: aiohttp.ClientSession, before: str, name: str, after: str) -> None:
    a = build("dingtalk", {"app_key": "k", "app_secret": DINGTALK_SECRET, "api_base": api.base,
                           "session_webhook_prefix": api.base + "/"}, session)
    delivery = json.dumps({"msgtype": "text", "text": {"content": "hi"}, "msgId": "m", "createAt": NOW * 1000,
                           "conversationType": "2", "conversationId": "cid", "senderStaffId": "staff_alice",
                           "sessionWebhook": api.base + "/robot/sendBySession?session=s",
                           "sessionWebhookExpiredTime": NOW * 1000 + 3600_000}).encode()
    parse_and_learn(a, a.verify(dingtalk_headers(int(NOW * 1000)), {}, delivery))
    await a.send(outgoing("dingtalk", "cid", "staff_bob", before, name, after))
    body = api.to("/robot/sendBySession")[-1].body
    # DingTalk pings exactly atUserIds (shown where "@id" stands in the text); the content is plain text
    assert body["at"] == {"atUserIds": ["staff_bob"], "isAtAll": False} and body["msgtype"] == "text"
    assert body["text"]["content"] == before + "@staff_bob" + after


# -- WeCom: <@userid> in text, CommonMark in markdown --------------------------------------------------------
@SETTINGS
@given(before=member_text, name=display_name, after=member_text)
async def test_wecom_group_webhook_text(api: FakeAPI, session: aiohttp.ClientSession, before: str, name: str,
                                        after: str) -> None:
    a = build("wecom_app", {"token": WECOM_TOKEN, "encoding_aes_key": WECOM_AES, "corp_id": "ww",
                            "api_base": api.base}, session, groups={"wecom_app:chat": {"wecom_webhook_key": "K"}})
    await a.send(outgoing("wecom_app", "chat", "bob", before, name, after))
    text = api.to("/cgi-bin/webhook/send")[-1].body["text"]
    assert "<@" not in text["content"] and text["mentioned_list"] == ["bob"]  # WeCom: <@userid> is a mention
    assert visible(text["content"]) == visible(before + "@" + (name or "bob") + after)


MARKDOWN = MarkdownIt("commonmark").enable(["table", "strikethrough"])
ALLOWED_BLOCKS = {"paragraph_open", "paragraph_close", "inline"}


def rendered_markdown(content: str) -> str:
    """CommonMark rendering of ``content`` as plain text; fails on anything that is not plain text."""
    out: list[str] = []
    for tok in MARKDOWN.parse(content):
        assert tok.type in ALLOWED_BLOCKS, (tok.type, content)
        if tok.type == "paragraph_open" and out:
            out.append("\n")
        for child in tok.children or ():
            assert child.type in ("text", "softbreak", "hardbreak"), (child.type, content)
            out.append(child.content if child.type == "text" else "\n")
    return "".join(out)


@SETTINGS
@given(before=member_text, name=display_name, after=member_text)
async def test_wecom_aibot_markdown(api: FakeAPI, session: aiohttp.ClientSession, before: str, name: str,
                                   after: str) -> None:
    a = build("wecom_aibot", {"token": WECOM_TOKEN, "encoding_aes_key": WECOM_AES, "api_base": api.base,
                              "response_url_prefix": api.base + "/"}, session)
    delivery = json.dumps({"msgid": "m1", "chattype": "group", "chatid": "chat", "from": {"userid": "alice"},
                           "msgtype": "text", "text": {"content": "@bot hi"},
                           "response_url": api.base + "/cgi-bin/aibot/response?response_code=1"}).encode()
    a.reply_urls.verified(delivery)  # as verify does for a decrypted callback
    parse_and_learn(a, delivery)
    await a.send(Outgoing(ChatRef("wecom_aibot", "chat"),
                          (Text(before), Mention(UserRef("wecom_aibot", "bob"), name), Text(after)), reply_to="m1"))
    content = api.to("/cgi-bin/aibot/response")[-1].body["markdown"]["content"]
    assert "<@" not in content
    assert visible(rendered_markdown(content)) == visible(before + "@" + (name or "bob") + after)

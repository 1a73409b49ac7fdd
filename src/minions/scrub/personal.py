"""Built-in detectors for personal data: names, e-mail addresses, phone numbers, Chinese mobile and
resident ID numbers, and bank card numbers."""

from __future__ import annotations

import re
from typing import NamedTuple

from minions.scrub.checksums import cn_id_valid, luhn_valid
from minions.scrub.rules import char_after, line_of, register_detector

_CJK = "\u4e00-\u9fff"


# `logo@2x.png`: an image's file name (a retina variant), not an address: these suffixes are no top-level domains
_IMAGE_FILE = re.compile(r"\.(?:png|jpe?g|gif|svg|webp|bmp|ico|tiff?)$", re.IGNORECASE)
# `http://u:p@host`: before the match, a URL's user name and colon: the match starts with the password
_URL_USER_BEFORE = re.compile(r"//[^/\s@:]*:$")
# `xxx@xxx.com`, `aXXX@XXXX.com`: a mask or a form's placeholder, with no mailbox behind it
_MASK = re.compile(r"[xX]{3,}")
# Domains reserved for examples and tests (RFC 2606, RFC 6761), and the local parts that make an address there a
# placeholder rather than a stand-in for a person: `johndoe@example.com`, `foo@example.com`, `x@shop.example`,
# `testing_admin@example.com`. A name there (`eleanor.vance@example.org`, `adam@example.net`) still counts:
# test fixtures use reserved domains for people too.
_RESERVED_DOMAIN = re.compile(r"(?:^|\.)(?:example\.(?:com|net|org)|example|test|invalid|localhost)$", re.IGNORECASE)
PLACEHOLDER_LOCAL_PARTS = frozenset(
    [
        "abc",
        "admin",
        "administrator",
        "bar",
        "baz",
        "contact",
        "demo",
        "dummy",
        "email",
        "example",
        "fake",
        "foo",
        "info",
        "invalid",
        "janedoe",
        "johndoe",
        "mail",
        "me",
        "mock",
        "name",
        "new",
        "nobody",
        "noreply",
        "null",
        "old",
        "placeholder",
        "qux",
        "reply",
        "root",
        "sample",
        "someone",
        "support",
        "test",
        "tester",
        "testing",
        "unknown",
        "user",
        "username",
        "value",
        "xyz",
        "you",
    ]
)


def _is_placeholder_address(local: str, domain: str) -> bool:
    """An address under a reserved domain whose local part is placeholder words, single characters and
    digits (`foo@example.com`, `john.doe@example.com`, `user1@example.org`, `x@shop.example`)."""
    if not _RESERVED_DOMAIN.search(domain):
        return False
    words = [w for w in re.split(r"[._+-]+", local.lower()) if w]
    if "".join(words) in ("johndoe", "janedoe"):
        return True
    return all(len(w) == 1 or w.isdigit() or w.rstrip("0123456789") in PLACEHOLDER_LOCAL_PARTS for w in words)


def _is_address(m: re.Match[str]) -> bool:
    """Not Kotlin's labelled `this@Outer` / `super@Outer`, nor a call like `run@Scope.launch(`, nor a
    git remote (`git@github.com:org/repo.git`, `ssh://git@host/...`): a host, not a mailbox; nor an
    image file (`events@2x.png`), nor the `password@host` end of a URL's `user:password@host`, nor a
    mask (`xxx@xxx.com`) or a placeholder under a reserved domain (`johndoe@example.com`)."""
    if re.match(r"(?:this|super)@", m.group(0)) or char_after(m) == "(" or _IMAGE_FILE.search(m.group(0)):
        return False
    if _URL_USER_BEFORE.search(m.string, m.string.rfind("\n", 0, m.start()) + 1, m.start()):
        return False
    local, _, domain = m.group(0).partition("@")
    if _MASK.fullmatch(local) or _MASK.fullmatch(domain.rpartition(".")[0]) or _is_placeholder_address(local, domain):
        return False
    return not _is_git_remote(m)


def _is_git_remote(m: re.Match[str]) -> bool:
    """`user@host:path` (scp syntax, what git remotes use) or `ssh://user@host`."""
    after = m.string[m.end() : m.end() + 2]
    if after[:1] == ":" and re.match(r"[\w/~.]", after[1:]):
        return True
    return m.string[max(0, m.start() - 6) : m.start()].endswith("ssh://")


# `0031 2044 0034`: Unicode code points (U+0031 U+2044 U+0034 in the IDNA and Unicode data tables), not 00 and a
# country code: every group four digits
_CODE_POINTS = re.compile(r"00\d\d(?:[ .-]\d{4})+")


def _is_phone(m: re.Match[str]) -> bool:
    """Nine digits or more, and not a list of four-digit code points."""
    return sum(c.isdigit() for c in m.group(0)) >= 9 and not _CODE_POINTS.fullmatch(m.group(0))


# --- name lists (faker's given and family names), loaded once, on first use ---------------------


class NameLists(NamedTuple):
    given: frozenset[str]  # English given names
    family: frozenset[str]  # English family names
    cn_surnames: frozenset[str]  # common Chinese family names (one or two characters)
    cn_given_chars: frozenset[str]  # characters of common Chinese given names


_NAME_LISTS: list[NameLists] = []
_CN_TOP_SURNAMES = 100


def load_name_lists() -> NameLists:
    """Read faker's en_US, en_GB and zh_CN person-name tables (offline: they are Python modules)."""
    from faker.providers.person.en_GB import Provider as EnGB
    from faker.providers.person.en_US import Provider as EnUS
    from faker.providers.person.zh_CN import Provider as ZhCN

    cn_last = list(ZhCN.last_names)
    surnames = set(cn_last[:_CN_TOP_SURNAMES]) | {s for s in cn_last if len(s) > 1}
    return NameLists(
        given=frozenset(EnUS.first_names) | frozenset(EnGB.first_names),
        family=frozenset(EnUS.last_names) | frozenset(EnGB.last_names),
        cn_surnames=frozenset(surnames),
        cn_given_chars=frozenset("".join(ZhCN.first_names_male) + "".join(ZhCN.first_names_female)),
    )


def name_lists() -> NameLists:
    """The name lists, loaded on the first call and kept."""
    if not _NAME_LISTS:
        _NAME_LISTS.append(load_name_lists())
    return _NAME_LISTS[0]


# English words that are also given or family names: in code and comments they are far more often
# the word (`Mark Price as final`, `Will Grant access`) than a person, so a pair with one is skipped.
NAME_WORDS = frozenset(
    [
        "Art",
        "August",
        "April",
        "Bell",
        "Bill",
        "Black",
        "Brown",
        "Case",
        "Chase",
        "Cook",
        "Dawn",
        "Faith",
        "Field",
        "Ford",
        "Grant",
        "Green",
        "Hall",
        "Hill",
        "Hope",
        "Hunter",
        "Joy",
        "June",
        "King",
        "Lane",
        "Little",
        "Long",
        "Mark",
        "Max",
        "May",
        "Page",
        "Park",
        "Price",
        "Rich",
        "Rose",
        "Short",
        "Stone",
        "Summer",
        "Will",
        "White",
        "Wood",
        "Young",
    ]
)
# @author / "name <e-mail>" words that are not people.
NOT_PEOPLE = frozenset(
    [
        "admin",
        "anonymous",
        "auto",
        "bot",
        "cc",
        "contact",
        "email",
        "generated",
        "mail",
        "nobody",
        "reply",
        "root",
        "see",
        "send",
        "system",
        "to",
        "todo",
        "unknown",
    ]
)
# Words that make "Name Words <e-mail>" a team, department or company rather than a person (`Zeabur Team`,
# `Apigee Security Team`, `Internet Service Department`, `Public Suffix List Admin`, `Platform Engineering`).
ORG_WORDS = frozenset(
    [
        "admin",
        "administration",
        "administrator",
        "admins",
        "bot",
        "committee",
        "community",
        "company",
        "corporation",
        "department",
        "desk",
        "developer",
        "developers",
        "div",
        "division",
        "engineering",
        "foundation",
        "gmbh",
        "group",
        "helpdesk",
        "hosting",
        "inc",
        "infra",
        "infrastructure",
        "llc",
        "ltd",
        "maintainers",
        "networking",
        "office",
        "operations",
        "ops",
        "platform",
        "project",
        "registry",
        "security",
        "service",
        "services",
        "software",
        "support",
        "sysadmin",
        "sysadmins",
        "team",
        "tech",
    ]
)


def is_cn_name(word: str) -> bool:
    """A common Chinese surname followed by one or two characters of common given names."""
    lists = name_lists()
    for n in (2, 1):
        surname, given = word[:n], word[n:]
        if surname in lists.cn_surnames and 1 <= len(given) <= 2:
            return all(c in lists.cn_given_chars for c in given)
    return False


def is_en_name(words: str) -> bool:
    """`Given Family` from the name lists, neither of them an ordinary English word."""
    given, _, family = words.partition(" ")
    lists = name_lists()
    if given in NAME_WORDS or family in NAME_WORDS:
        return False
    return given in lists.given and family in lists.family


def _is_person_name(m: re.Match[str]) -> bool:
    """A tagged name (after @author or before an address) that is not a role word nor a team's or a
    company's name; a Chinese one before an address must start with a common surname (`邮箱 <a@b.cn>`
    is not a name)."""
    word = m.group(0)
    if word.lower() in NOT_PEOPLE or any(w.lower() in ORG_WORDS for w in word.split(" ")[1:]):
        return False
    if re.fullmatch(f"[{_CJK}]+", word) and not m.string.endswith("@author ", 0, m.start()):
        return is_cn_name(word)
    return True


_WORD = re.compile(rf"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[{_CJK}]+")


def words_of(identifier: str) -> list[str]:
    """`customerName` / `CUSTOMER_NAME` / `customer-name` -> ['customer', 'name']."""
    return [w.lower() for w in _WORD.findall(identifier)]


PERSON_KEYS = frozenset(
    [
        "assignee",
        "author",
        "buyer",
        "contact",
        "customer",
        "employee",
        "fullname",
        "holder",
        "member",
        "name",
        "nickname",
        "owner",
        "person",
        "recipient",
        "receiver",
        "reporter",
        "sender",
        "signer",
        "user",
        "username",
    ]
)
THING_KEYS = frozenset(
    [
        "app",
        "bean",
        "brand",
        "bucket",
        "category",
        "class",
        "cluster",
        "column",
        "company",
        "database",
        "db",
        "domain",
        "env",
        "event",
        "field",
        "file",
        "group",
        "host",
        "index",
        "item",
        "job",
        "key",
        "label",
        "method",
        "module",
        "package",
        "path",
        "product",
        "queue",
        "role",
        "schema",
        "server",
        "service",
        "shop",
        "sku",
        "store",
        "street",
        "table",
        "tag",
        "task",
        "team",
        "template",
        "topic",
        "type",
    ]
)
CN_PERSON_KEYS = ("姓名", "名字", "联系人", "收货人", "收件人", "客户", "作者", "负责人", "用户")
# the last identifier before an opening quote the match is inside: `customer = "`, `"name": "`, `setName("`
_FIELD = re.compile(rf"([A-Za-z_{_CJK}][\w]*)[\"']?\s*(?::|=>?|\(|,)\s*[\"'][^\"']*$")
# a comment marker before the match: at the start of the line, or after a space
_COMMENT = re.compile(r"^\s*(?:#|//|/\*|\*|--|<!--)|\s(?:#|//|/\*)(?=\s)")


def is_name_field(before: str) -> bool:
    """The text before a match on its line ends inside a string literal given to a person field."""
    field = _FIELD.search(before)
    if field is None:
        return False
    key = field.group(1)
    if any(k in key for k in CN_PERSON_KEYS):
        return True
    words = words_of(key)
    return any(w in PERSON_KEYS for w in words) and not any(w in THING_KEYS for w in words)


def comment_text(before: str) -> str | None:
    """The comment's text before the match on its line, None when the match is not in a comment."""
    marker = _COMMENT.search(before)
    return None if marker is None else before[marker.end() :]


def _is_listed_name(m: re.Match[str]) -> bool:
    """A listed name in a name-like place: a `Given Family` pair in a comment or a person field's
    string; a Chinese name in a person field's string, or a comment that is just the name (with an
    optional `label:` before it)."""
    word = m.group(0)
    # the name lists first (set lookups): most candidates end here, before the line is looked at
    if not (is_en_name(word) if " " in word else is_cn_name(word)):
        return False
    # the context is read from at most 400 characters back: a data file's one long line stays linear
    start = max(m.string.rfind("\n", 0, m.start()) + 1, m.start() - 400)
    before = m.string[start : m.start()]
    field = is_name_field(before)
    comment = comment_text(before)
    if " " in word:
        return field or comment is not None
    if field:
        return True
    if comment is None:
        return False
    end = m.string.find("\n", m.end())
    rest = m.string[m.end() : end if end >= 0 else len(m.string)]
    label = re.sub(r"^.*[:：]", "", comment).strip()
    return label == "" and re.fullmatch(r"\s*(?:\*/|-->)?\s*", rest) is not None


def _is_cn_mobile(m: re.Match[str]) -> bool:
    """Not a round number (`15000000000` is an amount, not a subscriber)."""
    digits = re.sub(r"\D", "", m.group(0))
    return digits[-8:] != "00000000"


def _is_cn_id(m: re.Match[str]) -> bool:
    return cn_id_valid(m.group(0))


CARD_WORDS = frozenset(
    ["account", "accounts", "acct", "bankcard", "card", "cardno", "cards", "creditcard", "debitcard", "pan"]
)
CN_CARD_WORDS = ("卡号", "银行卡", "信用卡", "借记卡", "储蓄卡", "账号", "帐号", "账户")


def has_card_context(line: str) -> bool:
    """A card or account keyword on the line: `cardNo`, `card_number`, `PAN`, `account`, 卡号, 账号 ..."""
    if any(k in line for k in CN_CARD_WORDS):
        return True
    return any(w in CARD_WORDS for w in words_of(line))


# The card networks' published test numbers (Visa, Mastercard, Amex, Discover, Diners, JCB,
# UnionPay): payment code and its tests use them; they are nobody's card.
TEST_CARD_NUMBERS = frozenset(
    {
        "4111111111111111",
        "4242424242424242",
        "4012888888881881",
        "4000056655665556",
        "5555555555554444",
        "5105105105105100",
        "2223003122003222",
        "378282246310005",
        "371449635398431",
        "6011111111111117",
        "3056930009020004",
        "30569309025904",
        "3566002020360505",
        "6200000000000005",
    }
)


def _is_card_number(m: re.Match[str]) -> bool:
    """13-19 digits, not all the same, not a published test number, Luhn-valid, with a card or
    account keyword on the line."""
    digits = re.sub(r"\D", "", m.group(0))
    if not 13 <= len(digits) <= 19 or len(set(digits)) == 1 or digits in TEST_CARD_NUMBERS:
        return False
    return luhn_valid(digits) and has_card_context(line_of(m))


# A person's name where code names people: an author tag (also a login or a Chinese name), or
# "Name <e-mail>" (CODEOWNERS, headers, .mailmap). Runs before "email" so the address is still there
# to anchor on.
register_detector(
    "person-name",
    "personal",
    rf"(?<=@author )(?:[A-Z][\w'-]+(?: [A-Z][\w'-]+)*|[a-z][a-z0-9_.-]*(?![\w.@-])|[{_CJK}]{{2,4}}(?![\w]))"
    r"|\b[A-Z][a-z'-]+(?: [A-Z][a-z'-]+)+(?=,? [(<]?[^\s<>()\"'`]+@[\w-]+\.)"
    rf"|(?<![{_CJK}])[{_CJK}]{{2,4}}(?= ?[(<（][^\s<>()\"'`]+@[\w-]+\.)"
    # a login first on its line, or first in a comment or a string (indented ones too)
    r"|(?:(?<![^\n])|(?<=# )|(?<=// )|(?<=\* )|(?<=<!-- )|(?<=[\"']))[a-z][a-z0-9_.-]*(?= <[^\s<>()\"'`]+@[\w-]+\.)"
    r"|(?<=name = \")[A-Z][a-z'-]+(?: [A-Z][a-z'-]+)+(?=\",[ \t]*email)",
    "<NAME>",
    description="names in @author tags, before an e-mail address, and in name/email metadata",
    accept=_is_person_name,
    positives=(
        " * @author ⟦Dana Whitfield⟧",
        "# Owner: ⟦Marcus Ekdahl⟧ <⟦marcus.e@shop-example.org⟧>",
        "# Contact: ⟦Jonas Berg⟧, ⟦jonas.berg@supply-example.org⟧",
        "Team lead: ⟦Dana Whitfield⟧ (⟦dana.w@shop-example.org⟧)",
        'authors = [{ name = "⟦Priya Raman⟧", email = "⟦priya@shop-example.org⟧" }]',
        " * @author ⟦«a:8»⟧",
        " * @author ⟦zhangsan⟧\n */",
        "// @author ⟦张三⟧",
        "⟦张伟⟧ <⟦«a:8»@example.com⟧>",
        "维护者：⟦李秀英⟧（⟦«a:6»@shop-example.org⟧）",
        "⟦«a:8»⟧ <⟦«a:8»@shop-example.org⟧>",
        "    # ⟦«a:8»⟧ <⟦«a:8»@shop-example.org⟧>",
        '    owner = "⟦«a:8»⟧ <⟦«a:8»@shop-example.org⟧>"',
        "<!-- ⟦«a:8»⟧ <⟦«a:8»@shop-example.org⟧> -->",
    ),
    negatives=(
        "@author <NAME>",
        "Order Service <b>bold</b>",
        " * @author generated",
        "git@github.com:shop-org/orders.git",
        "Der Marker `@pytest.mark.anyio` teilt pytest mit, dass diese Testfunktion asynchron aufgerufen wird",
    ),
    pseudonym="name",
    keywords=("@", "email"),
)
# A free-text person's name from the name lists, only where code names people: a `Given Family` pair
# in a comment or in a string given to a person field (`customer = "Eleanor Vance, ..."`); a Chinese
# name (common surname + 1-2 given-name characters) in a person field or a comment that is the name.
register_detector(
    "person-name-listed",
    "personal",
    rf"\b[A-Z][a-z]+ [A-Z][a-z]+\b(?! [A-Z][a-z])|(?<![{_CJK}])[{_CJK}]{{2,4}}(?![{_CJK}])",
    "<NAME>",
    description="given + family names from name lists, in comments and person fields",
    accept=_is_listed_name,
    positives=(
        'Customer c = new Customer("⟦Eleanor Vance⟧, 27 Birchwood Lane");',
        '{"customerName": "⟦Eleanor Vance⟧", "tier": "gold"}',
        "# reported by ⟦Eleanor Vance⟧ in March",
        'user.setName("⟦张伟⟧");',
        "// 负责人：⟦王秀英⟧",
        "    # ⟦欧阳娜⟧",
    ),
    negatives=(
        "// Mark Price as final before checkout",
        "# Will Grant access to the admin role?",
        'order.setStatus("Order Placed"); // Grant Access later',
        'fileName = "Eleanor Vance.txt"',
        "String label = Mark.Young + Grant.Price;",
        'log.info("Eleanor Vance logged in");',
        "// 张伟负责订单服务",
        'title = "张伟"',
        'name = "高级会员"',
    ),
    pseudonym="name",
    shapes=("a Aa", "中中"),
)
register_detector(
    "email",
    "personal",
    r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b",
    "<EMAIL>",
    description="e-mail addresses (not Kotlin's this@Outer.member, nor git remotes)",
    accept=_is_address,
    positives=(
        "@author ⟦jane.doe@shop-example.org⟧",
        "mail ⟦«a:6».«a:5»@«a:8».example.com⟧ now",
        "ask ⟦«a:6»@shop-example.org⟧: she knows",
    ),
    negatives=(
        "val total = this@OrderService.computeTotal()",
        "val total = this@OrderService.total",
        "return super@Base.field",
        "git remote add origin git@github.com:shop-org/orders.git",
        "url = git@gitlab.example.com:payments/ledger.git",
        "ssh://git@github.com/shop-org/orders.git",
        "![Events Diagram](../assets/images/events_with_failures@2x.png)",
        '("hTTp://u:p@Some.Host/path", "http://some.host.proxy", http_proxies),',
        'val maskedEmail = "${testEmail.first()}XXX@XXXX.com"',
        '<input placeholder="邮箱：xxx@xxx.com">',
        '{"username": "johndoe", "email": "johndoe@example.com", "disabled": false}',
        'monkeypatch.setenv("ADMIN_EMAIL", "testing_admin@example.com")',
        'List<String> problems = PasswordPolicy.violations("short", "x@acme-shop.example");',
    ),
    pseudonym="email",
    keywords=("@",),
)
# What every line holding a long number or a phone number holds (see Detector.shapes): a run of four
# digits, or a `+` before a digit; a phone number may also be all short groups after `00`
# (`007 495 123 45 67`), so its lines are those with three digits in a row.
NUMBER_SHAPES = ("0000", "+0")
PHONE_SHAPES = ("000", "+0")
# Chinese resident ID numbers: 17 digits and a check character, a real birth date inside, and the
# ISO 7064 MOD 11-2 check right (an 18-digit id that fails it is left alone).
register_detector(
    "cn-id-number",
    "personal",
    r"(?<![\w.-])\d{6}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![\w-]|\.\d)",
    "<ID_NUMBER>",
    description="Chinese resident ID numbers with a valid birth date and check character",
    accept=_is_cn_id,
    positives=(
        'idCard = "⟦110101199003071233⟧"',
        "身份证号：⟦11010519491231109X⟧",
        "id_no: ⟦440304200002298761⟧",
    ),
    negatives=(
        'idCard = "110101199003071234"',
        "traceId=440304200002308763",
        "orderNo = 320102198501010021",
    ),
    shapes=NUMBER_SHAPES,
)
# Bank card numbers: 13-19 digits (grouped by spaces or dashes, or not), Luhn-valid, and a card or
# account keyword on the line; a long numeric id without one is not touched.
register_detector(
    "card-number",
    "personal",
    r"(?<![\w.-])(?:\d{4}(?:[ -]\d{4}){2,3}(?:[ -]\d{1,3})?|\d{4}[ -]\d{6}[ -]\d{4,5}|\d{13,19})(?![\w-]|\.\d)",
    "<CARD_NUMBER>",
    description="Luhn-valid card numbers next to a card/account keyword",
    accept=_is_card_number,
    positives=(
        'cardNo = "⟦4000123456789017⟧"',
        "card_number: ⟦4000 1234 5678 9017⟧",
        "银行卡号 ⟦6212-3456-7890-1234-569⟧",
        "PAN=⟦3759 876543 21004⟧",
        "账号：⟦6212345678901234569⟧",
    ),
    negatives=(
        "traceId = 7310458291634574",
        'cardNo = "4111111111111112"',
        'assertTrue(isValidCard("4111 1111 1111 1111"));',
        "long orderId = 4000000000000002L;",
        "account_version = 0000000000000000",
    ),
    shapes=NUMBER_SHAPES,
)
# Mainland-China mobile numbers: 1[3-9] and nine digits, with or without +86 / 0086 and separators,
# not part of a longer digit run (ids, timestamps, order numbers). Runs before "phone", which would
# take the +86 forms.
register_detector(
    "cn-mobile",
    "personal",
    r"(?<![\w.+])(?<!\d[ -])(?:(?:\+|00)86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}(?!\w|\.\d|[ -]\d)",
    "<PHONE>",
    description="mainland-China mobile numbers",
    accept=_is_cn_mobile,
    positives=(
        "手机：⟦13«9:9»⟧",
        'mobile = "⟦+86 15«9:1» «9:4» «9:4»⟧"',
        "tel ⟦0086-18«9:1»-«9:4»-«9:4»⟧.",
        "call ⟦+8617«9:9»⟧ or ⟦139 «9:4» «9:4»⟧",
    ),
    negatives=(
        "long createdAt = 1712345678901L;",
        "orderNo = 201713800138000",
        "ts = 1380013800",
        "BigDecimal cap = new BigDecimal(15000000000);",
        "version 2.13800138000",
        "ids: 5 13800138000",
    ),
    pseudonym="phone",
    shapes=NUMBER_SHAPES,
)
# International numbers (+CC or 00CC ...) or the North-American (NNN) NNN-NNNN form, with at least
# nine digits; bare digit runs in code (ids, amounts), ISO dates (+2024-01-15), the digits of a decimal
# fraction (`0.00493678 45.3671`, `-.0047 1.2272` in SVG path data) and code point lists are left alone.
register_detector(
    "phone",
    "personal",
    r"(?<![\w+])(?<!\d\.)(?:(?:\+|(?<!\.)\b00)\d{1,3}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{1,4}(?:[ .-]\d{2,4}){1,4}"
    r"|\(\d{3}\) ?\d{3}-\d{4})(?!\w)",
    "<PHONE>",
    description="phone numbers in international or (NNN) NNN-NNNN form",
    accept=_is_phone,
    positives=(
        "call ⟦+1 415 555 0134⟧",
        "tel: ⟦+44 20 7946 0958⟧",
        "⟦(415) 555-0134⟧",
        'norm("⟦0044 20 7946 0958⟧")',
        "dial ⟦+1 415 555 01⟧ now",
    ),
    negatives=(
        "int total = 1234567890; double rate = 10.5;",
        'LocalDate.parse("+2024-01-15")',
        "code +1 41 555 01",
        '<path d="M16.6688 57.5462C1.76279 49.5805 0.00493678 45.3671 4.05092e-05 40.9723"/>',
        "00BD          ; mapped                 ; 0031 2044 0032 #1.1  VULGAR FRACTION ONE HALF",
    ),
    pseudonym="phone",
    shapes=PHONE_SHAPES,
)

"""Names compared as a person reads them: investors' company names and project names, reduced to keys.

Written once, read by the investor register (one investor per company, whatever the spelling) and by the
double-claim check (``zhaoshang.claims``). Two spellings of one company give the same ``company_key``:

- full-width letters, digits and brackets as half-width (NFKC), upper case as lower case, no spaces or dots;
- traditional characters as simplified (華能電子 → 华能电子);
- the bracketed parts dropped ((集团), （中国）);
- the legal form at the end dropped (有限公司, 有限责任公司, 股份有限公司, 集团有限公司…) and then a trailing 公司;
- a leading province, city and county name dropped (浙江 / 浙江省 / 杭州市 / 萧山区…, one after another), from a
  list of the provinces and a pattern for 市/县/区/州/盟/旗 of two to four characters at the start.

``project_name_key`` keeps what tells a project apart: the filler words of project names (年产, 新建, 建设,
项目, 一期…) are dropped; ``phase_of`` reads the phase a name gives (一期 → 1) so that two phases of one project
are told apart from one project entered twice.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from opencc import OpenCC
from pypinyin import lazy_pinyin

_T2S = OpenCC("t2s")

PROVINCES = (
    "北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建",
    "江西", "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海",
    "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆", "香港", "澳门",
)  # fmt: skip
# Prefecture-level cities (and a few county-level ones known for their companies), which company names often
# write without 市: 温州利科…, 宁波卓通…
CITIES = frozenset(
    (
        "石家庄", "唐山", "秦皇岛", "邯郸", "邢台", "保定", "张家口", "承德", "沧州", "廊坊",
        "衡水", "太原", "大同", "阳泉", "长治", "晋城", "朔州", "晋中", "运城", "忻州",
        "临汾", "吕梁", "呼和浩特", "包头", "乌海", "赤峰", "通辽", "鄂尔多斯", "呼伦贝尔", "巴彦淖尔",
        "乌兰察布", "沈阳", "大连", "鞍山", "抚顺", "本溪", "丹东", "锦州", "营口", "阜新",
        "辽阳", "盘锦", "铁岭", "朝阳", "葫芦岛", "长春", "吉林", "四平", "辽源", "通化",
        "白山", "松原", "白城", "延边", "哈尔滨", "齐齐哈尔", "鸡西", "鹤岗", "双鸭山", "大庆",
        "伊春", "佳木斯", "七台河", "牡丹江", "黑河", "绥化", "南京", "无锡", "徐州", "常州",
        "苏州", "南通", "连云港", "淮安", "盐城", "扬州", "镇江", "泰州", "宿迁", "杭州",
        "宁波", "温州", "嘉兴", "湖州", "绍兴", "金华", "衢州", "舟山", "台州", "丽水",
        "义乌", "慈溪", "余姚", "合肥", "芜湖", "蚌埠", "淮南", "马鞍山", "淮北", "铜陵",
        "安庆", "黄山", "滁州", "阜阳", "宿州", "六安", "亳州", "池州", "宣城", "福州",
        "厦门", "莆田", "三明", "泉州", "漳州", "南平", "龙岩", "宁德", "晋江", "石狮",
        "南昌", "景德镇", "萍乡", "九江", "新余", "鹰潭", "赣州", "吉安", "宜春", "抚州",
        "上饶", "济南", "青岛", "淄博", "枣庄", "东营", "烟台", "潍坊", "济宁", "泰安",
        "威海", "日照", "临沂", "德州", "聊城", "滨州", "菏泽", "郑州", "开封", "洛阳",
        "平顶山", "安阳", "鹤壁", "新乡", "焦作", "濮阳", "许昌", "漯河", "三门峡", "南阳",
        "商丘", "信阳", "周口", "驻马店", "武汉", "黄石", "十堰", "宜昌", "襄阳", "鄂州",
        "荆门", "孝感", "荆州", "黄冈", "咸宁", "随州", "恩施", "长沙", "株洲", "湘潭",
        "衡阳", "邵阳", "岳阳", "常德", "张家界", "益阳", "郴州", "永州", "怀化", "娄底",
        "湘西", "广州", "韶关", "深圳", "珠海", "汕头", "佛山", "江门", "湛江", "茂名",
        "肇庆", "惠州", "梅州", "汕尾", "河源", "阳江", "清远", "东莞", "中山", "潮州",
        "揭阳", "云浮", "顺德", "南宁", "柳州", "桂林", "梧州", "北海", "防城港", "钦州",
        "贵港", "玉林", "百色", "贺州", "河池", "来宾", "崇左", "海口", "三亚", "成都",
        "自贡", "攀枝花", "泸州", "德阳", "绵阳", "广元", "遂宁", "内江", "乐山", "南充",
        "眉山", "宜宾", "广安", "达州", "雅安", "巴中", "资阳", "贵阳", "六盘水", "遵义",
        "安顺", "毕节", "铜仁", "昆明", "曲靖", "玉溪", "保山", "昭通", "丽江", "普洱",
        "临沧", "大理", "西安", "铜川", "宝鸡", "咸阳", "渭南", "延安", "汉中", "榆林",
        "安康", "商洛", "兰州", "嘉峪关", "金昌", "白银", "天水", "武威", "张掖", "平凉",
        "酒泉", "庆阳", "定西", "陇南", "西宁", "海东", "银川", "石嘴山", "吴忠", "固原",
        "中卫", "乌鲁木齐", "克拉玛依", "吐鲁番", "哈密", "昌吉", "喀什", "伊犁", "石河子",
    )
)  # fmt: skip
# Words a company's business starts with: a city before one of them is the company's trade name (金昌农业开发,
# 吉林化纤), not its place.
BUSINESS_WORDS = (
    "农业", "科技", "实业", "新材", "材料", "化纤", "化工", "电子", "建材", "机械", "食品", "纺织", "文旅", "物流",
    "能源", "新能", "投资", "置业", "医药", "生物", "环保", "商贸", "贸易", "发展", "控股", "集团", "工业", "电力",
    "矿业", "钢铁", "水泥", "制药", "药业", "服饰", "家居", "智能", "数据", "信息", "供应", "包装", "印刷", "汽车",
)  # fmt: skip
_PROVINCE_SUFFIXES = ("省", "市", "自治区", "壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区", "")
# Legal forms, longest first: the first that ends the name is dropped (and a 公司 left before it).
LEGAL_FORMS = (
    "股份有限公司", "有限责任公司", "集团有限公司", "集团股份有限公司", "有限公司", "股份公司", "集团公司",
    "合伙企业(有限合伙)", "合伙企业", "有限合伙", "分公司", "总公司", "公司", "厂", "集团",
)  # fmt: skip
_LEGAL_FORMS = sorted(LEGAL_FORMS, key=len, reverse=True)
_BRACKETS = re.compile(r"[(\[【〔][^)\]】〕]*[)\]】〕]")
_DROP = re.compile(r"[\s.,·•、，。'\"“”‘’\-_/]+")
# A place name of two to four characters and its level at the start of a company's name.
_PLACE = re.compile(r"^[\u4e00-\u9fff]{2,4}?(?:市|县|区|州|盟|旗)(?=[\u4e00-\u9fff]{2})")

# Words of project names that say nothing about which project it is.
FILLER = (
    "年产", "新建", "扩建", "改建", "技改", "技术改造", "建设", "项目", "工程", "生产线", "一期", "二期", "三期",
    "四期", "五期", "首期", "续建", "迁建", "整体", "产业化", "基地",
)  # fmt: skip
_FILLER = sorted(FILLER, key=len, reverse=True)
_PHASE = re.compile(r"(?:第?([一二三四五六七八九十\d]+)期|phase\s*(\d+))", re.IGNORECASE)
_CHINESE_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10, "首": 1}


def plain(text: str) -> str:
    """Half-width, lower case, simplified, with no spaces or punctuation that varies between spellings."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    return _DROP.sub("", _T2S.convert(text))


# Province → its prefixes (name and level), looked up by the province's first two characters: a name is compared
# only with the provinces it can start with.
_PROVINCES_BY_HEAD: dict[str, list[str]] = {}
for _province in PROVINCES:
    _PROVINCES_BY_HEAD.setdefault(_province[:2], []).append(_province)


def _strip_place(name: str) -> str:
    for province in _PROVINCES_BY_HEAD.get(name[:2], ()):
        for suffix in _PROVINCE_SUFFIXES:
            prefix = province + suffix
            if (
                name.startswith(prefix)
                and len(name) > len(prefix) + 1
                and not name[len(prefix) :].startswith(BUSINESS_WORDS)  # 吉林化纤, 江苏农业发展: the name itself
            ):
                name = name[len(prefix) :]
                break
        else:
            continue
        break
    for _level in range(3):  # city, then county (杭州市萧山区…), then a town at most
        match = _PLACE.match(name)
        if match:
            name = name[match.end() :]
            continue
        # Not before a word too short to be a name (朝阳科技 stays: 科技 is no company).
        city = next(
            (
                name[:n]
                for n in (2, 3, 4)
                if name[:n] in CITIES and len(name) > n + 2 and not name[n:].startswith(BUSINESS_WORDS)
            ),
            None,
        )
        if city is None:
            break
        name = name[len(city) :]
    return name


# A branch (分公司, 办事处, 分厂) is its company: 宏丰建材有限公司江西分公司 → 宏丰建材有限公司, and a branch
# written without its parent's legal form loses its place (宏丰建材江西分公司 → 宏丰建材).
_BRANCH = re.compile(r"(分公司|办事处|分厂|分部)$")
_PARENT_FORM = re.compile(r"(股份有限公司|有限责任公司|有限公司|集团公司|公司)")


def _parent_of_branch(name: str) -> str:
    if not _BRANCH.search(name):
        return name
    parent = _PARENT_FORM.search(name)
    if parent and parent.end() < len(name):
        return name[: parent.end()]
    name = _BRANCH.sub("", name)
    for province in PROVINCES:  # the branch's province or city at the end: 江西, 赣州市
        for suffix in ("省", "市", ""):
            if name.endswith(province + suffix) and len(name) > len(province + suffix) + 1:
                return name[: -len(province + suffix)]
    match = re.search(r"[\u4e00-\u9fff]{2,3}(?:市|县|区)$", name)
    return name[: match.start()] if match and match.start() >= 2 else name


def without_city(key: str) -> str:
    """A company key without a leading city, whatever follows (厦门佳能 → 佳能): for comparing a short spelling
    with a long one, never as the key itself (金昌农业开发 is a trade name). Never before a business word (泰安建材
    stays: 建材 is no company)."""
    for n in (2, 3, 4):
        if key[:n] in CITIES and len(key) >= n + 2 and not key[n:].startswith(BUSINESS_WORDS):
            return key[n:]
    return key


@functools.lru_cache(maxsize=65536)
def company_key(name: str) -> str:
    """The key two spellings of one company share (see the module's docstring); "" for an empty name."""
    name = _parent_of_branch(_BRACKETS.sub("", plain(name)))
    for _round in range(2):
        for form in _LEGAL_FORMS:
            if name.endswith(form) and len(name) > len(form) + 1:
                name = name[: -len(form)]
                break
    return _strip_place(name)


def phase_of(name: str) -> int | None:
    """The phase a project's name gives (年产10万吨二期项目 → 2), or None."""
    match = _PHASE.search(plain(name))
    if not match:
        return None
    word = match.group(1) or match.group(2)
    if word.isdigit():
        return int(word)
    return _CHINESE_DIGITS.get(word[-1]) if len(word) == 1 else None


@functools.lru_cache(maxsize=65536)
def project_name_key(name: str) -> str:
    """A project's name without its filler words (see ``FILLER``), simplified and half-width."""
    key = _BRACKETS.sub("", plain(name))
    for word in _FILLER:
        key = key.replace(word, "")
    return key or plain(name)


def pinyin_key(text: str) -> str:
    """The sound of a text, toneless, in one string (新能源 → xinnengyuan): names written with a wrong
    character of the same sound match."""
    return "".join(lazy_pinyin(text))


def ngrams(text: str, n: int = 2) -> set[str]:
    """The character n-grams of a text (the whole text when shorter)."""
    if len(text) <= n:
        return {text} if text else set()
    return {text[i : i + n] for i in range(len(text) - n + 1)}

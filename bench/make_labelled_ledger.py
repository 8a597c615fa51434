"""Write ``tests/data/claims/labelled_ledger.csv``: an independent labelled ledger for the double-claim check.

The set imitates a county's 招商引资 ledger as clerks fill it in: invented companies (…科技有限公司,
…(集团)股份有限公司), project names in the shapes county lists use (年产5万吨…项目, …产业园, …智能制造基地, 文旅综合体,
光伏发电, 农产品深加工, 冷链物流), townships, departments and parks as reporting units. It holds three kinds of rows:

- duplicate groups (the ``group`` column): one real project claimed two or three times, by two units or twice by
  one, with the variations clerks produce (investor written short, 分公司, traditional characters, a typo, the brand
  in English letters, the parent group; the project name abbreviated, reworded, 一期 dropped; amounts ±0–30 %,
  sometimes 亿 typed as 万; a credit code on one row only; the location written differently);
- hard negatives (``label_note`` ``hard:<reason>``): one investor's different projects, 一期/二期, the same product
  by different investors in one park, generic names by different investors, sister companies of one group;
- ordinary single projects.

Deterministic (``random.Random(SEED)``); written independently of the check's code. Run:
``PYTHONPATH=src .venv/bin/python bench/make_labelled_ledger.py``.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "data" / "claims" / "labelled_ledger.csv"
SEED = 20261207
COLUMNS = [
    "code",
    "unit",
    "name",
    "investor",
    "credit_code",
    "location",
    "planned_investment",
    "contract_amount",
    "signed_on",
    "group",
    "label_note",
]

# --- GB 32100-2015 ---------------------------------------------------------------------------------------------
CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [pow(3, i, 31) for i in range(17)]


def credit_check_char(first17: str) -> str:
    total = sum(CHARSET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    check = 31 - total % 31
    return CHARSET[0 if check == 31 else check]


def valid_credit_code(code: str) -> bool:
    return len(code) == 18 and all(c in CHARSET for c in code) and credit_check_char(code[:17]) == code[17]


def org_code(rng: random.Random) -> str:
    """A GB 11714 organisation code (8 characters and its check character), from GB 32100's character set."""
    body = "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
    values = [int(c) if c.isdigit() else ord(c) - 55 for c in body]
    check = 11 - sum(v * w for v, w in zip(values, [3, 7, 9, 10, 5, 8, 4, 2], strict=True)) % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


# --- the county ---------------------------------------------------------------------------------------------------
TOWNSHIPS = ["河口镇", "青石镇", "白沙镇", "龙泉镇", "新桥乡", "石门乡", "马坪镇", "柳林镇", "双河乡", "桃源镇"]
TOWNSHIPS += ["金竹乡", "大营镇", "三合镇", "清溪镇", "安乐乡"]
DEPARTMENTS = ["县发展和改革局", "县商务局", "县工业和信息化局", "县农业农村局", "县文化旅游局", "县自然资源局"]
DEPARTMENTS += ["县交通运输局", "县住房和城乡建设局", "县投资促进中心", "县驻深圳招商联络处", "县驻杭州招商联络处"]
PARKS = ["县经济开发区管委会", "县高新技术产业园区管委会", "县现代农业产业园管委会"]
UNITS = TOWNSHIPS + DEPARTMENTS + PARKS
PARK_PLACES = {
    "县经济开发区管委会": ["县经济开发区", "经开区东区", "经开区西区", "经开区南区", "经开区北园"],
    "县高新技术产业园区管委会": ["县高新区", "高新区科创园", "高新区光谷路", "高新区智造园"],
    "县现代农业产业园管委会": ["县现代农业产业园", "农业产业园核心区", "农业产业园加工区"],
}
COUNTY = "平川"

# --- companies ------------------------------------------------------------------------------------------------------
PREFIXES = ["浙江", "江苏", "广东", "深圳", "安徽", "山东", "福建", "厦门", "湖南", "湖北", "上海", "四川", "江西"]
PREFIXES += ["河南", "重庆", "宁波", "苏州", "东莞", "佛山", "温州"]
DIVISION = {"浙江": "330100", "江苏": "320100", "广东": "440100", "深圳": "440300", "安徽": "340100"}
DIVISION |= {"山东": "370100", "福建": "350100", "厦门": "350200", "湖南": "430100", "湖北": "420100"}
DIVISION |= {"上海": "310000", "四川": "510100", "江西": "360100", "河南": "410100", "重庆": "500000"}
DIVISION |= {"宁波": "330200", "苏州": "320500", "东莞": "441900", "佛山": "440600", "温州": "330300"}
DIVISION |= {COUNTY: "361124"}
# 字号 characters with pinyin (for brands written in English letters).
FIRST = dict(
    华="Hua",
    恒="Heng",
    鑫="Xin",
    宏="Hong",
    天="Tian",
    金="Jin",
    中="Zhong",
    瑞="Rui",
    盛="Sheng",
    永="Yong",
    嘉="Jia",
    博="Bo",
    正="Zheng",
    泰="Tai",
    荣="Rong",
    卓="Zhuo",
    汇="Hui",
    海="Hai",
    东="Dong",
    新="Xin",
    润="Run",
    凯="Kai",
    鼎="Ding",
    利="Li",
    佳="Jia",
    景="Jing",
    光="Guang",
    德="De",
    晨="Chen",
    锦="Jin",
)
SECOND = dict(
    能="neng",
    达="da",
    源="yuan",
    图="tu",
    科="ke",
    瑞="rui",
    丰="feng",
    信="xin",
    成="cheng",
    通="tong",
    祥="xiang",
    隆="long",
    昌="chang",
    宇="yu",
    润="run",
    泽="ze",
    辉="hui",
    安="an",
    创="chuang",
    远="yuan",
    兴="xing",
    茂="mao",
    川="chuan",
    铭="ming",
    越="yue",
    航="hang",
    拓="tuo",
    驰="chi",
    邦="bang",
    诺="nuo",
)
FORMS = ["有限公司", "有限公司", "有限公司", "有限责任公司", "股份有限公司", "(集团)有限公司", "（集团）股份有限公司"]
GROUP_FORMS = ["控股集团有限公司", "集团有限公司", "实业集团有限公司", "集团股份有限公司"]
TRAD = dict(
    华="華",
    电="電",
    发="發",
    业="業",
    产="產",
    达="達",
    东="東",
    兴="興",
    丰="豐",
    汇="匯",
    广="廣",
    实="實",
    团="團",
    锂="鋰",
    项="項",
    区="區",
    镇="鎮",
    园="園",
    长="長",
    农="農",
    贸="貿",
    药="藥",
    机="機",
    车="車",
    环="環",
    纺="紡",
    织="織",
    装="裝",
    备="備",
    制="製",
    输="輸",
    链="鏈",
    综="綜",
    体="體",
    厂="廠",
    设="設",
    线="線",
    务="務",
    联="聯",
    网="網",
    云="雲",
    数="數",
    锦="錦",
    荣="榮",
    润="潤",
    顺="順",
    万="萬",
    国="國",
    际="際",
    苏="蘇",
    门="門",
    厦="廈",
    吨="噸",
    开="開",
    鼎="鼎",
    宏="宏",
    凯="凱",
    图="圖",
    隆="隆",
    昌="昌",
    泽="澤",
    辉="輝",
    创="創",
    远="遠",
    铭="銘",
    驰="馳",
    诺="諾",
    航="航",
    信="信",
    成="成",
    通="通",
    科="科",
    技="技",
    新="新",
    能="能",
    源="源",
    责="責",
    任="任",
    限="限",
    司="司",
    份="份",
    态="態",
    饮="飲",
    冷="冷",
)
TYPO = dict(
    华="桦",
    能="宁",
    达="大",
    鑫="新",
    源="元",
    瑞="睿",
    恒="衡",
    盛="胜",
    泰="太",
    宏="洪",
    嘉="佳",
    博="搏",
    荣="容",
    汇="惠",
    凯="恺",
    鼎="顶",
    祥="翔",
    隆="龙",
    昌="常",
    宇="羽",
    泽="择",
    辉="晖",
    远="元",
    兴="星",
    茂="贸",
    铭="明",
    越="跃",
    航="杭",
    拓="托",
    驰="弛",
    邦="帮",
    诺="若",
    信="新",
    成="诚",
    通="同",
    丰="峰",
    图="途",
    科="可",
    安="按",
    创="闯",
    川="传",
    正="政",
    永="勇",
    金="今",
    天="添",
    中="忠",
    海="还",
    东="冬",
    润="闰",
    利="力",
    佳="家",
    景="京",
    光="广",
    德="得",
    晨="辰",
    锦="锦",
)
# Industries: the company's trade word and what its projects make.
INDUSTRIES = {
    "电子": dict(
        trade=["电子科技", "电子", "光电科技", "智能科技"],
        products=["锂电池电芯", "电子元器件", "PCB线路板", "LED显示屏", "智能终端", "光模块", "连接器", "电源适配器"],
        units=["万只", "万片", "万套", "万平方米"],
        shapes=["annual", "line", "base", "park"],
    ),
    "新能源": dict(
        trade=["新能源科技", "新能源", "能源科技", "光伏科技"],
        products=["光伏组件", "储能电池", "动力电池PACK", "光伏支架", "逆变器", "充电桩"],
        units=["GW", "MWh", "万套", "万台"],
        shapes=["annual", "base", "solar", "line"],
    ),
    "新材料": dict(
        trade=["新材料科技", "新材料", "材料科技", "高分子材料"],
        products=["碳纤维复合材料", "高性能铝合金型材", "改性塑料", "石墨烯导热膜", "特种玻纤", "环保涂料", "PET薄膜"],
        units=["万吨", "吨", "万平方米"],
        shapes=["annual", "line", "base"],
    ),
    "食品": dict(
        trade=["食品", "食品科技", "农业科技", "农业开发"],
        products=["富硒大米", "山茶油", "预制菜", "休闲食品", "竹笋罐头", "酱卤制品", "果蔬脆片", "牛肉干"],
        units=["万吨", "吨"],
        shapes=["annual", "agri", "line", "cold"],
    ),
    "纺织": dict(
        trade=["纺织", "服饰", "纺织科技", "制衣"],
        products=["功能性面料", "针织服装", "无纺布", "家纺用品", "户外运动服装", "鞋服"],
        units=["万米", "万件", "万双", "吨"],
        shapes=["annual", "line", "base"],
    ),
    "机械": dict(
        trade=["机械", "智能装备", "机电", "精密制造"],
        products=["农机装备", "数控机床", "汽车零部件", "精密轴承", "电机", "工程机械配件", "阀门管件", "减速机"],
        units=["万套", "台", "万件"],
        shapes=["annual", "base", "line", "park"],
    ),
    "医药": dict(
        trade=["生物科技", "医药", "药业", "生物医药"],
        products=["中药饮片", "医用敷料", "原料药", "保健食品", "医疗器械", "植物提取物"],
        units=["吨", "万盒", "万件"],
        shapes=["annual", "base", "line"],
    ),
    "建材": dict(
        trade=["建材", "新型建材", "建筑科技", "建设"],
        products=["装配式建筑构件", "商品混凝土", "新型墙体材料", "石材", "岩板", "钢结构"],
        units=["万立方米", "万平方米", "万吨"],
        shapes=["annual", "line", "base"],
    ),
    "物流": dict(
        trade=["物流", "供应链管理", "冷链物流", "商贸"],
        products=["冷链物流园", "农产品冷链仓储", "电商物流中心", "城乡配送中心", "保税仓"],
        units=["万吨"],
        shapes=["cold", "park"],
    ),
    "文旅": dict(
        trade=["文化旅游发展", "旅游开发", "文旅投资", "康养产业发展"],
        products=["文旅综合体", "康养小镇", "田园综合体", "温泉度假区", "民宿集群", "研学基地"],
        units=[],
        shapes=["tour"],
    ),
}
FILLERS_BASE = ["生产基地", "智能制造基地", "产业园", "研发生产基地"]


class Company:
    def __init__(self, rng: random.Random, zihao: str, industry: str, prefix: str):
        self.zihao = zihao
        self.industry = industry
        self.prefix = prefix
        self.trade = rng.choice(INDUSTRIES[industry]["trade"])
        self.form = rng.choice(FORMS)
        self.name = f"{prefix}{zihao}{self.trade}{self.form}"
        self.brand = "".join([FIRST[zihao[0]], SECOND[zihao[1]]])
        self.parent = f"{prefix}{zihao}{rng.choice(GROUP_FORMS)}"
        self.credit = None

    def credit_code(self, rng: random.Random) -> str:
        if self.credit is None:
            first = "91" + DIVISION[self.prefix] + org_code(rng)
            self.credit = first + credit_check_char(first)
        return self.credit


def draw_amount(rng: random.Random) -> int:
    """Planned investment in 万元: 1,000 to 500,000, most a few 亿, rounded the way ledgers round."""
    value = 1000 * (500 ** (rng.random() ** 1.4))
    step = 100 if value < 20000 else 1000 if value < 200000 else 10000
    return max(step, round(value / step) * step)


def project_name(rng: random.Random, company: Company, *, product: str | None = None, shape: str | None = None):
    spec = INDUSTRIES[company.industry]
    product = product or rng.choice(spec["products"])
    shape = shape or rng.choice(spec["shapes"])
    if shape == "annual" and spec["units"]:
        unit = rng.choice(spec["units"])
        quantity = rng.choice([1, 2, 3, 5, 6, 8, 10, 12, 15, 20, 30, 50, 100, 200, 500])
        head = rng.choice(["", "", "新建", "新建"])
        return f"{head}年产{quantity}{unit}{product}项目", product
    if shape == "line":
        return f"{product}{rng.choice(['生产线建设项目', '生产线项目', '智能化生产线项目'])}", product
    if shape == "base":
        return f"{company.zihao}{product}{rng.choice(FILLERS_BASE)}项目", product
    if shape == "park":
        return f"{company.zihao}{company.industry}产业园项目", product
    if shape == "solar":
        return rng.choice(
            [f"{rng.choice([20, 30, 50, 100])}MW农光互补光伏发电项目", f"{rng.choice([5, 10, 20])}MW分布式光伏发电项目"]
        ), product
    if shape == "agri":
        return f"{product}农产品深加工项目", product
    if shape == "cold":
        return f"{company.zihao}{rng.choice(['冷链物流园', '农产品冷链物流中心', '冷链仓储物流'])}项目", product
    if shape == "tour":
        return f"{rng.choice(['桃花谷', '青龙湖', '古镇', '云顶山', '清溪河', '茶海'])}{product}项目", product
    raise ValueError(shape)


def location_of(rng: random.Random, unit: str) -> str:
    if unit in PARK_PLACES:
        return rng.choice(PARK_PLACES[unit])
    if unit in TOWNSHIPS:
        return rng.choice([f"{unit}工业园区", f"{unit}{rng.choice(['新村', '和平村', '长岭村', '集镇'])}", unit])
    return rng.choice([*TOWNSHIPS, *(p for places in PARK_PLACES.values() for p in places)])


def short_place(location: str) -> str:
    """A place as clerks shorten it: the township without 镇/乡 (河口镇工业园区 → 河口工业园), 经开区 for 经济开发区."""
    for township in TOWNSHIPS:
        if location.startswith(township):
            location = township[:-1] + location[len(township) :]
            break
    return location.replace("工业园区", "工业园").replace("县经济开发区", "经开区").replace("县高新区", "高新区")


class Builder:
    def __init__(self, seed: int = SEED):
        self.rng = random.Random(seed)
        self.rows: list[dict] = []
        self.used_zihao: set[str] = set()
        self.group_count = 0

    def company(self, industry: str | None = None, zihao: str | None = None, prefix: str | None = None) -> Company:
        rng = self.rng
        if zihao is None:
            while True:
                zihao = rng.choice(list(FIRST)) + rng.choice(list(SECOND))
                if zihao not in self.used_zihao and zihao[0] != zihao[1]:
                    break
        self.used_zihao.add(zihao)
        return Company(rng, zihao, industry or rng.choice(list(INDUSTRIES)), prefix or rng.choice(PREFIXES))

    def row(self, company: Company, name: str, unit: str, *, with_code: bool | None = None, **extra) -> dict:
        rng = self.rng
        amount = extra.pop("amount", None) or draw_amount(rng)
        signed = extra.pop("signed_on", None) or dt.date(2022, 1, 1) + dt.timedelta(days=rng.randrange(0, 1700))
        if with_code is None:
            with_code = rng.random() < 0.5
        row = {
            "unit": unit,
            "name": name,
            "investor": company.name,
            "credit_code": company.credit_code(rng) if with_code else "",
            "location": extra.pop("location", None) or location_of(rng, unit),
            "planned_investment": amount,
            "contract_amount": extra.pop("contract", None) or int(round(amount * rng.choice([1, 1, 1, 0.9, 0.8]), -2)),
            "signed_on": signed.isoformat(),
            "group": "",
            "label_note": "",
        }
        row.update(extra)
        self.rows.append(row)
        return row

    # --- the kinds of rows ---------------------------------------------------------------------------------------
    def singles(self, count: int) -> None:
        for _ in range(count):
            company = self.company()
            name, _product = project_name(self.rng, company)
            self.row(company, name, self.rng.choice(UNITS))

    def duplicate_group(self) -> None:
        rng = self.rng
        self.group_count += 1
        group = f"D{self.group_count:03d}"
        company = self.company()
        name, product = project_name(rng, company)
        if rng.random() < 0.2 and "一期" not in name:
            name = name.removesuffix("项目") + "（一期）项目"
        unit = rng.choice(UNITS)
        base = self.row(company, name, unit, group=group, label_note="dup:original")
        for _ in range(2 if rng.random() < 0.15 else 1):
            self.variant(base, company, product, group)

    def variant(self, base: dict, company: Company, product: str, group: str) -> None:
        rng = self.rng
        notes = []
        # the investor as another clerk writes it
        investor_kind = rng.choices(
            ["same", "short", "zihao_gongsi", "prefix_zihao", "branch", "trad", "typo", "brand", "parent", "form"],
            weights=[20, 14, 8, 8, 8, 8, 8, 8, 8, 10],
        )[0]
        investor = {
            "same": company.name,
            "short": f"{company.zihao}{company.trade}",
            "zihao_gongsi": f"{company.zihao}公司",
            "prefix_zihao": f"{company.prefix}{company.zihao}",
            "branch": f"{company.name}{rng.choice([COUNTY, '江西', '赣州'])}分公司",
            "trad": "".join(TRAD.get(c, c) for c in company.name),
            "typo": company.name.replace(company.zihao[1], TYPO.get(company.zihao[1], company.zihao[1]), 1)
            if rng.random() < 0.5
            else company.name.replace(company.zihao[0], TYPO.get(company.zihao[0], company.zihao[0]), 1),
            "brand": rng.choice(
                [
                    f"{company.brand}{company.trade}{company.form}",
                    f"{company.brand.upper()}({company.zihao}){company.trade}",
                    f"{company.prefix}{company.brand}{company.trade}有限公司",
                ]
            ),
            "parent": company.parent,
            "form": f"{company.prefix}{company.zihao}{company.trade}"
            + rng.choice(
                [f for f in ["有限公司", "有限责任公司", "股份有限公司", "(集团)有限公司"] if f != company.form]
            ),
        }[investor_kind]
        notes.append(f"investor:{investor_kind}")
        # the project name
        name = base["name"]
        name_kind = rng.choices(
            ["same", "abbrev", "reword", "move", "phase", "prefix", "county"], [22, 22, 20, 12, 8, 8, 8]
        )[0]
        if name_kind == "abbrev":
            short = name.replace("新建", "").replace("建设项目", "").replace("项目", "").replace("（一期）", "")
            if "年产" in short and rng.random() < 0.6:
                short = product + rng.choice(["项目", "生产项目", ""])
            name = short or name
        elif name_kind == "reword":
            swaps = [
                ("生产线建设项目", "生产线项目"),
                ("生产线项目", "生产项目"),
                ("智能制造基地项目", "智能制造项目"),
                ("产业园项目", "产业园建设项目"),
                ("生产基地项目", "生产基地建设项目"),
                ("研发生产基地", "研发及生产基地"),
                ("深加工项目", "精深加工项目"),
                ("冷链物流园", "冷链物流产业园"),
                ("农产品冷链物流中心", "冷链物流中心"),
                ("冷链仓储物流", "冷链仓储"),
                ("光伏发电项目", "光伏电站项目"),
                ("综合体项目", "综合体开发项目"),
                ("项目", "建设项目"),
            ]
            for old, new in swaps:
                if old in name:
                    name = name.replace(old, new, 1)
                    break
        elif name_kind == "move":
            if "年产" in name:
                body = name.replace("新建", "").removesuffix("项目")
                quantity_unit, _, _ = body.partition(product)
                name = f"{product}项目（{quantity_unit}）" if rng.random() < 0.5 else f"{company.zihao}{product}项目"
            elif product in name and company.zihao not in name:
                name = f"{company.zihao}{product}项目"
            else:  # the name does not hold the product (…产业园项目): the company's 字号 moved instead
                name = name.replace(company.zihao, "") if company.zihao in name else company.zihao + name
        elif name_kind == "phase":
            name = name.replace("（一期）", "") if "（一期）" in name else name.removesuffix("项目") + "（一期）项目"
        elif name_kind == "prefix":
            name = rng.choice(["新建", "投资建设", "招引"]) + name.replace("新建", "")
        elif name_kind == "county":
            name = COUNTY + name
        notes.append(f"name:{name_kind}")
        # the unit: two townships claiming it, a department and a township, or the same unit twice
        unit = base["unit"] if rng.random() < 0.35 else rng.choice([u for u in UNITS if u != base["unit"]])
        notes.append("unit:same" if unit == base["unit"] else "unit:other")
        # amounts: ±0–30 %, sometimes 亿 typed where 万 is meant
        amount = base["planned_investment"]
        amount_kind = rng.choices(["same", "near", "yi"], [40, 52, 8])[0]
        if amount_kind == "near":
            amount = int(round(amount * rng.uniform(0.7, 1.3), -2)) or amount
        elif amount_kind == "yi":
            amount = round(amount / 10000, 2) if amount >= 10000 else amount * 10000
        notes.append(f"amount:{amount_kind}")
        contract = amount
        # credit code: on both, on one only (the original has it or not), on neither
        code_kind = rng.choices(["both", "one", "none"], [30, 40, 30])[0]
        if code_kind == "both" and investor_kind in ("parent", "branch"):
            code_kind = "one"  # a parent group or a branch has a code of its own: the clerk leaves it out
        if code_kind == "both":
            base["credit_code"] = company.credit_code(rng)
            with_code = True
        elif code_kind == "one":
            with_code = not base["credit_code"]
            if investor_kind in ("parent", "branch") and with_code:  # another company's code: not this one's
                base["credit_code"], with_code = company.credit_code(rng), False
        else:
            base["credit_code"] = ""
            with_code = False
        notes.append(f"code:{code_kind}")
        # location
        location = base["location"]
        if rng.random() < 0.5:
            location = (
                short_place(location)
                if rng.random() < 0.5
                else f"{COUNTY}{location}"
                if location.startswith("县")
                else f"{COUNTY}县{location}"
            ) or location
            if location == base["location"]:
                location = location_of(rng, unit)
            notes.append("location:rewritten")
        signed = dt.date.fromisoformat(base["signed_on"]) + dt.timedelta(days=rng.randint(-75, 75))
        row = self.row(
            company,
            name,
            unit,
            with_code=with_code,
            amount=amount,
            contract=contract,
            signed_on=signed,
            location=location,
            group=group,
            label_note="dup:" + ",".join(notes),
        )
        row["investor"] = investor

    def hard_same_investor(self, count: int) -> None:
        """One investor's genuinely different projects (different products, usually years apart)."""
        rng = self.rng
        for _ in range(count):
            company = self.company()
            products = rng.sample(INDUSTRIES[company.industry]["products"], 2)
            unit = rng.choice(UNITS)
            first = self.row(
                company, project_name(rng, company, product=products[0])[0], unit, label_note="hard:same-investor"
            )
            name, _ = project_name(rng, company, product=products[1])
            if name == first["name"]:
                name = f"{company.zihao}{products[1]}研发中心项目"
            self.row(
                company,
                name,
                unit if rng.random() < 0.6 else rng.choice(UNITS),
                location=first["location"] if rng.random() < 0.5 else None,
                label_note="hard:same-investor",
            )

    def hard_phases(self, count: int) -> None:
        """一期 and 二期 of one project: the bureau links phases, it does not merge them."""
        rng = self.rng
        for _ in range(count):
            company = self.company()
            name, _product = project_name(rng, company)
            stem = name.replace("（一期）", "").removesuffix("项目")
            unit = rng.choice(UNITS)
            first = self.row(company, f"{stem}（一期）项目", unit, label_note="hard:phase")
            later = dt.date.fromisoformat(first["signed_on"]) + dt.timedelta(days=rng.randint(300, 900))
            self.row(
                company,
                f"{stem}（二期）项目" if rng.random() < 0.7 else f"{stem}二期项目",
                unit,
                location=first["location"],
                signed_on=later,
                label_note="hard:phase",
            )

    def hard_same_product_park(self, count: int) -> None:
        """The same product made by different investors in one park."""
        rng = self.rng
        for _ in range(count):
            industry = rng.choice([i for i in INDUSTRIES if i not in ("文旅", "物流")])
            product = rng.choice(INDUSTRIES[industry]["products"])
            park = rng.choice(PARKS)
            place = rng.choice(PARK_PLACES[park])
            for _ in range(2):
                company = self.company(industry)
                name, _ = project_name(rng, company, product=product, shape=rng.choice(["annual", "line"]))
                self.row(company, name, park, location=place, label_note="hard:same-product")

    def hard_generic(self, count: int) -> None:
        """Generic names (标准厂房建设项目) by different investors."""
        rng = self.rng
        generic = [
            "标准厂房建设项目",
            "厂房扩建项目",
            "技术改造项目",
            "仓储物流项目",
            "综合楼建设项目",
            "生产线技改项目",
        ]
        for _ in range(count):
            name = rng.choice(generic)
            unit = rng.choice(UNITS)
            for _ in range(rng.choice([2, 2, 3])):
                self.row(
                    self.company(), name, unit if rng.random() < 0.6 else rng.choice(UNITS), label_note="hard:generic"
                )

    def hard_sisters(self, count: int) -> None:
        """Sister companies of one group (XX新能源 and XX新材料), each with its own project."""
        rng = self.rng
        for _ in range(count):
            zihao_company = self.company("新能源")
            sister = Company(rng, zihao_company.zihao, "新材料", zihao_company.prefix)
            sister.parent = zihao_company.parent
            if sister.name == zihao_company.name:
                continue
            unit = rng.choice(UNITS)
            first = self.row(zihao_company, project_name(rng, zihao_company)[0], unit, label_note="hard:sister-company")
            self.row(
                sister,
                project_name(rng, sister)[0],
                unit if rng.random() < 0.5 else rng.choice(UNITS),
                location=first["location"] if rng.random() < 0.5 else None,
                label_note="hard:sister-company",
            )

    def build(self) -> list[dict]:
        self.singles(380)
        for _ in range(100):
            self.duplicate_group()
        self.hard_same_investor(40)
        self.hard_phases(30)
        self.hard_same_product_park(30)
        self.hard_generic(20)
        self.hard_sisters(25)
        self.rng.shuffle(self.rows)
        for index, row in enumerate(self.rows, start=1):
            row["code"] = f"PC-{index:04d}"
        return self.rows


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seed", type=int, default=SEED, help="another draw of the same county (a held-out set)")
    parser.add_argument("--out", default=str(OUT), help="where to write the CSV")
    args = parser.parse_args()
    out = Path(args.out).resolve()
    rows = Builder(args.seed).build()
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    groups = {r["group"] for r in rows if r["group"]}
    print(f"{out}: {len(rows)} rows, {len(groups)} duplicate groups (seed {args.seed})")


if __name__ == "__main__":
    main()

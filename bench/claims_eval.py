"""The double-claim check measured on a labelled ledger: recall of planted duplicates and share of false flags.

    .venv/bin/python bench/claims_eval.py                          # 3000 base, 300 planted, 300 hard negatives
    .venv/bin/python bench/claims_eval.py --base 300 --planted 40 --negatives 40 --seed 7
    .venv/bin/python bench/claims_eval.py --timing 100000          # matching time on a 100,000-project ledger

The ledger is drawn from one seeded ``random.Random`` (the same set on every run) and given to the detector as
``claims.matching.Candidate`` rows, exactly what ``claims.services`` reads from the database; no database is
written. See bench/README.md ("Double claims") for the set's description. Writes bench/results/claims_eval.json.

- base projects: investors named [place]+brand+brand+trade+legal form (one to three projects each), names from
  templates (年产{n}万吨{product}项目, 新建{product}生产线项目, {product}产业园…) over 90 products, a location
  (township + village or park street), an amount, a signing date and a unit; 70% of investors have a valid
  credit code (GB 32100-2015 check digit);
- planted duplicates: a copy of a base project entered again with two to four realistic variations of the
  investor's spelling (legal form changed or dropped, traditional characters, full-width brackets and a bracketed
  part, the province or county prefix added or dropped, spaces) and of the name (年产/新建/项目 added or dropped,
  a wrong character of the same sound, words reordered, 一期 added), another unit (80%), amount ±10%, signing date
  ± 6 weeks; the credit code on both (50%), on one (30%) or neither (20%);
- hard negatives: one investor's second, different project (same code, same location often); 一期 and 二期 of
  one project; the same product by a different investor (same template, often the same town); a different
  project at the same location.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"

PROVINCES = ["浙江", "江苏", "广东", "山东", "河南", "安徽", "福建", "上海"]
CITIES = ["杭州市", "苏州市", "宁波市", "深圳市", "青岛市", "郑州市", "合肥市", "厦门市", "温州市", "东莞市"]
BRANDS = [
    "华锐", "鑫达", "恒通", "宏远", "金泰", "天成", "瑞丰", "嘉禾", "永盛", "广源", "中科", "海纳", "正邦", "德润",
    "隆基", "新阳", "博瑞", "卓越", "信诚", "东方", "北辰", "南山", "华宇", "盛世", "凯达", "明辉", "亿联", "安和",
]  # fmt: skip
TRADES = [
    "电子科技", "新材料科技", "新能源科技", "机械制造", "智能装备", "生物科技", "药业", "食品", "农业发展", "牧业",
    "纺织", "服饰", "木业", "家居", "物流", "供应链管理", "化工", "建材", "环境科技", "数据科技",
]  # fmt: skip
FORMS = ["有限公司", "有限公司", "有限责任公司", "股份有限公司", "集团有限公司"]
PRODUCTS = [
    "生物饲料", "有机肥", "锂电池正极材料", "光伏组件", "电子元器件", "智能家居", "服装", "发制品", "实木家具",
    "汽车零部件", "新型建材", "食用菌", "预制菜", "肉制品", "中药饮片", "医疗器械", "玻璃纤维", "碳纤维复合材料",
    "冷链物流", "电商产业", "农产品加工", "面粉", "植物油", "纸制品", "包装材料", "塑料制品", "不锈钢制品",
    "铝型材", "精密铸件", "数控机床", "农业机械", "风电设备", "储能电池", "氢能装备", "半导体封装", "显示面板",
    "线路板", "智能终端", "数据中心", "云计算中心", "鲜食玉米", "速冻食品", "乳制品", "饮料", "白酒", "茶叶",
    "中药材种植", "生猪养殖", "肉羊养殖", "蛋鸡养殖", "水产养殖", "花卉苗木", "文旅康养", "研学基地", "商业综合体",
    "物流园", "农贸市场", "污水处理", "垃圾焚烧发电", "天然气管网", "充电桩", "光伏电站", "生物质发电", "纺纱",
    "织布", "印染", "针织", "鞋业", "箱包", "玩具", "工艺品", "陶瓷", "耐火材料", "石材加工", "钢结构",
    "装配式建筑构件", "电线电缆", "变压器", "电机", "水泵", "阀门", "轴承", "齿轮", "液压件", "模具", "机器人",
    "无人机", "新能源汽车零部件", "动力电池回收", "稀土永磁材料",
]  # fmt: skip
TEMPLATES = [
    "年产{n}万吨{p}项目", "新建{p}生产线项目", "{p}产业园项目", "年产{n}万件{p}项目", "{p}智能制造项目",
    "{p}加工项目", "{n}万平方米{p}基地项目", "{p}深加工项目",
]  # fmt: skip
SIZES = [1, 2, 3, 5, 8, 10, 12, 15, 20, 30, 50]
TOWNS = ["城关镇", "东关镇", "马庄乡", "柳林镇", "南湖街道", "高新区", "经济开发区", "双河镇", "李集镇", "白塔乡"]
PLACES = ["前进村", "东风村", "新庄村", "王庄村", "创业大道", "纬三路", "经五路", "科技路", "工业大道", "兴园路"]
# Characters and a character of the same sound that a hurried typist picks (饲料 → 伺料).
HOMOPHONES = {
    "饲": "伺", "料": "廖", "材": "才", "电": "店", "智": "志", "制": "质", "造": "灶", "品": "聘", "业": "叶",
    "器": "气", "装": "庄", "备": "被", "肥": "淝", "机": "基", "件": "建", "加": "佳", "产": "铲", "园": "圆",
    "服": "伏", "家": "佳", "具": "据", "光": "广", "伏": "服", "池": "驰", "玻": "波", "冷": "愣", "链": "连",
    "食": "实", "菌": "君", "纸": "指", "包": "苞", "塑": "朔", "铝": "旅", "型": "形", "精": "晶", "铸": "筑",
    "械": "谢", "风": "峰", "储": "楚", "能": "侬", "氢": "轻", "导": "岛", "显": "险", "线": "现", "路": "录",
    "终": "中", "端": "端", "数": "树", "云": "芸", "鲜": "先", "玉": "预", "米": "迷", "冻": "栋", "乳": "汝",
    "饮": "引", "酒": "久", "茶": "查", "药": "要", "种": "肿", "植": "值", "猪": "朱", "羊": "阳", "养": "仰",
    "殖": "直", "蛋": "旦", "鸡": "基", "水": "税", "花": "华", "卉": "会", "苗": "描", "木": "目", "旅": "吕",
    "康": "慷", "研": "言", "学": "雪", "商": "伤", "综": "宗", "合": "和", "体": "提", "农": "浓", "贸": "茂",
    "污": "乌", "处": "楚", "理": "里", "垃": "拉", "圾": "机", "焚": "坟", "烧": "稍", "发": "法", "天": "田",
    "然": "燃", "气": "汽", "管": "馆", "网": "往", "充": "冲", "桩": "庄", "站": "战", "质": "制", "纱": "沙",
    "织": "之", "布": "步", "印": "因", "染": "冉", "针": "真", "鞋": "谐", "箱": "香", "玩": "完", "工": "公",
    "艺": "义", "陶": "淘", "瓷": "词", "耐": "奈", "火": "伙", "石": "时", "钢": "刚", "结": "洁", "构": "够",
    "配": "佩", "筑": "住", "缆": "揽", "变": "便", "压": "押", "泵": "蹦", "阀": "罚", "门": "们", "轴": "周",
    "承": "成", "齿": "尺", "轮": "论", "液": "夜", "模": "磨", "人": "仁", "无": "吴", "汽": "气", "车": "扯",
    "零": "灵", "部": "步", "回": "会", "收": "手", "稀": "希", "土": "吐", "永": "勇", "磁": "慈", "面": "免",
    "粉": "份", "油": "由", "鞋业": "谐", "肉": "柔", "复": "付", "碳": "探", "纤": "先", "维": "为", "元": "园",
    "锂": "里", "极": "及", "正": "政", "板": "版", "新": "心", "建": "见", "组": "阻", "汽车": "气车",
}  # fmt: skip
CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def credit_code(rng: random.Random) -> str:
    """A unified social credit code with a valid GB 32100-2015 check digit (9 + 1 + region + org code)."""
    region = "".join(rng.choice("0123456789") for _ in range(6))
    body = "91" + region + "".join(rng.choice(CODE_CHARS) for _ in range(9))
    total = sum(CODE_CHARS.index(char) * weight for char, weight in zip(body, CODE_WEIGHTS, strict=True))
    return body + CODE_CHARS[(31 - total % 31) % 31]


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


class Builder:
    """Draws the labelled ledger: ``candidates``, ``planted`` and ``negatives`` (sets of (low id, high id))."""

    def __init__(self, seed: int):
        from opencc import OpenCC

        self.rng = random.Random(seed)
        self.s2t = OpenCC("s2t")
        self.rows: list[dict] = []
        self.planted: set[tuple[int, int]] = set()
        self.negatives: set[tuple[int, int]] = set()
        self.investors: list[dict] = []
        self.cores: set[str] = set()

    def investor(self) -> dict:
        rng = self.rng
        # Two brands give 15,680 names: a large ledger's investors take three.
        brands = 2 if len(self.cores) < 5000 else 3
        core = "".join(rng.choice(BRANDS) for _ in range(brands)) + rng.choice(TRADES)
        while core in self.cores:  # two companies of one name (whatever the place) are one company
            core = "".join(rng.choice(BRANDS) for _ in range(brands)) + rng.choice(TRADES)
        self.cores.add(core)
        prefix = rng.choice([rng.choice(PROVINCES), rng.choice(CITIES), rng.choice(PROVINCES) + "省", ""])
        code = credit_code(rng) if rng.random() < 0.7 else ""
        investor = {"name": prefix + core + rng.choice(FORMS), "core": core, "code": code, "prefix": prefix}
        self.investors.append(investor)
        return investor

    def project(self, investor: dict, *, product=None, template=None, location=None, phase="") -> dict:
        rng = self.rng
        # One investor's projects are of different products (two of one product would be one project or phases).
        used = investor.setdefault("products", set())
        product = product or rng.choice([p for p in PRODUCTS if p not in used])
        used.add(product)
        template = template or rng.choice(TEMPLATES)
        name = template.format(n=rng.choice(SIZES), p=product)
        if phase:
            name = name.replace("项目", "") + phase + "项目"
        row = {
            "id": len(self.rows) + 1,
            "name": name,
            "product": product,
            "template": template,
            "investor": investor["name"],
            "credit_code": investor["code"],
            "investor_ref": investor,
            "location": location or rng.choice(TOWNS) + rng.choice(PLACES),
            "amount": Decimal(rng.randrange(500, 100000, 50)),
            "signed_on": dt.date(2022, 1, 1) + dt.timedelta(days=rng.randrange(0, 1600)),
            "units": frozenset({rng.randint(1, 60)}),
        }
        self.rows.append(row)
        return row

    def copy(self, row: dict, **changes) -> dict:
        new = {**row, **changes, "id": len(self.rows) + 1}
        self.rows.append(new)
        return new

    # Variations of a duplicate ---------------------------------------------------------------------------
    def vary_investor(self, investor: dict) -> str:
        rng = self.rng
        name = investor["core"]
        prefix = investor["prefix"]
        choice = rng.random()
        if choice < 0.3:
            prefix = "" if prefix else rng.choice(PROVINCES)
        elif choice < 0.45:
            prefix = rng.choice(PROVINCES) + "省" + rng.choice(CITIES)
        name = prefix + name
        form = rng.choice(["有限公司", "有限责任公司", "股份有限公司", "", "公司"])
        name += form
        if rng.random() < 0.3:
            name = self.s2t.convert(name)
        if rng.random() < 0.2:
            name = name.replace(form, full_width("(") + "集团" + full_width(")") + form) if form else name + "（集团）"
        if rng.random() < 0.15:
            name = " ".join(name[i : i + 4] for i in range(0, len(name), 4))
        return name

    def vary_name(self, row: dict) -> str:
        rng = self.rng
        name = row["name"]
        changes = rng.sample(["filler", "sound", "order", "phase", "traditional"], k=rng.randint(1, 3))
        for change in changes:
            if change == "filler":
                if "年产" in name or "新建" in name:
                    name = name.replace("年产", "").replace("新建", "")
                else:
                    name = rng.choice(["新建", "年产"]) + name
                name = name.replace("项目", "") if name.endswith("项目") else name + "项目"
            elif change == "sound":
                spots = [i for i, char in enumerate(name) if char in HOMOPHONES and char not in "项目年新"]
                if spots:
                    spot = rng.choice(spots)
                    name = name[:spot] + HOMOPHONES[name[spot]][0] + name[spot + 1 :]
            elif change == "order" and "年产" in name:
                head, _sep, tail = name.partition("年产")
                name = head + tail.replace("项目", "") + "年产项目" if not head else name
                name = row["product"] + name.replace(row["product"], "")
            elif change == "phase" and "期" not in name:
                name = name.replace("项目", "") + "一期项目"
            elif change == "traditional":
                name = self.s2t.convert(name)
        return name

    def plant(self, row: dict) -> None:
        rng = self.rng
        investor = row["investor_ref"]
        roll = rng.random()
        code = investor["code"] if roll < 0.8 else ""
        if investor["code"] and 0.5 <= roll < 0.8 and rng.random() < 0.5:
            code = ""  # only one side has it: swap which
        units = row["units"] if rng.random() < 0.2 else frozenset({rng.randint(61, 90)})
        amount = (row["amount"] * Decimal(str(rng.uniform(0.9, 1.1)))).quantize(Decimal("1"))
        location = row["location"] if rng.random() < 0.7 else row["location"][:3]
        dup = self.copy(
            row,
            name=self.vary_name(row),
            investor=self.vary_investor(investor),
            credit_code=code,
            units=units,
            amount=amount,
            location=location,
            signed_on=row["signed_on"] + dt.timedelta(days=rng.randint(-42, 42)),
        )
        self.planted.add((row["id"], dup["id"]))

    def hard_negative(self, row: dict, kind: int) -> None:
        rng = self.rng
        investor = row["investor_ref"]
        if kind == 0:  # one investor's second, genuinely different project
            other = self.project(investor, location=row["location"] if rng.random() < 0.5 else None)
        elif kind == 1:  # 一期 / 二期
            base = row["name"].replace("项目", "")
            row["name"] = base + "一期项目"
            other = self.copy(
                row,
                name=base + "二期项目",
                amount=row["amount"] * 2,
                signed_on=row["signed_on"] + dt.timedelta(days=rng.randint(400, 900)),
            )
        elif kind == 2:  # the same product by a different investor, often in the same town
            other = self.project(
                self.investor(),
                product=row["product"],
                template=row["template"],
                location=row["location"] if rng.random() < 0.5 else None,
            )
        else:  # a different project at the same location
            other = self.project(self.investor(), location=row["location"])
        self.negatives.add((row["id"], other["id"]))

    def build(self, *, base: int, planted: int, negatives: int) -> None:
        rng = self.rng
        while len(self.rows) < base:
            investor = self.investor()
            for _ in range(rng.choice([1, 1, 1, 2, 3])):
                self.project(investor)
        originals = rng.sample(self.rows[:base], planted + negatives)
        for row in originals[:planted]:
            self.plant(row)
        for index, row in enumerate(originals[planted:]):
            self.hard_negative(row, index % 4)

    def candidates(self):
        from zhaoshang.claims.matching import Candidate

        return [
            Candidate(
                id=row["id"],
                code=f"EV{row['id']:06d}",
                name=row["name"],
                investor=row["investor"],
                credit_code=row["credit_code"],
                location=row["location"],
                amount=row["amount"],
                signed_on=row["signed_on"],
                units=row["units"],
            )
            for row in self.rows
        ]


def evaluate(*, base: int, planted: int, negatives: int, seed: int, threshold=None) -> dict:
    """Build the set, run the detector at ``threshold`` (the default setting when None), return the figures."""
    from zhaoshang.claims import matching

    threshold = matching.DEFAULT_THRESHOLD if threshold is None else Decimal(str(threshold))
    builder = Builder(seed)
    builder.build(base=base, planted=planted, negatives=negatives)
    candidates = builder.candidates()
    started = time.perf_counter()
    index = matching.Index(candidates)
    flagged = {(low, high): float(value) for low, high, value, _reasons in index.scored_pairs(None, threshold)}
    seconds = time.perf_counter() - started
    found = builder.planted & flagged.keys()
    false = flagged.keys() - builder.planted
    by_id = {c.id: c for c in candidates}

    def show(pair):
        a, b = by_id[pair[0]], by_id[pair[1]]
        value = flagged.get(pair) or float(matching.score(a, b)[0])
        return {"a": [a.name, a.investor, a.credit_code], "b": [b.name, b.investor, b.credit_code], "score": value}

    return {
        "seed": seed,
        "projects": len(candidates),
        "base": base,
        "planted": len(builder.planted),
        "hard_negatives": len(builder.negatives),
        "threshold": float(threshold),
        "flagged": len(flagged),
        "planted_found": len(found),
        "recall": round(len(found) / len(builder.planted), 4) if builder.planted else 1.0,
        "false_flags": len(false),
        "false_share": round(len(false) / len(flagged), 4) if flagged else 0.0,
        "hard_negatives_flagged": len(builder.negatives & flagged.keys()),
        "seconds": round(seconds, 3),
        "missed_examples": [show(pair) for pair in sorted(builder.planted - found)[:10]],
        "false_examples": [show(pair) for pair in sorted(false)[:10]],
    }


def timing(projects: int, seed: int = 4754) -> dict:
    """Build a ledger of ``projects`` (5% planted duplicates, 5% hard negatives) and time the county-wide matching
    (index and scoring; the database read is not included), with the peak memory."""
    import resource

    from zhaoshang.claims import matching

    builder = Builder(seed)
    builder.build(base=int(projects * 0.9), planted=projects // 20, negatives=projects // 20)
    candidates = builder.candidates()
    started = time.perf_counter()
    index = matching.Index(candidates)
    built = time.perf_counter() - started
    flagged = sum(1 for _pair in index.scored_pairs(None))
    seconds = time.perf_counter() - started
    return {
        "projects": len(candidates),
        "index_seconds": round(built, 2),
        "total_seconds": round(seconds, 2),
        "flagged": flagged,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", type=int, default=3000)
    parser.add_argument("--planted", type=int, default=300)
    parser.add_argument("--negatives", type=int, default=300)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--threshold", type=float)
    parser.add_argument("--timing", type=int, help="time the county-wide matching on this many projects")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhaoshang.settings")
    os.environ.setdefault("ZHAOSHANG_TRIAL", "1")
    import django

    django.setup()
    from django.utils import translation

    translation.activate("zh-hans")
    if args.timing:
        result = {"timing": timing(args.timing)}
    else:
        result = evaluate(
            base=args.base, planted=args.planted, negatives=args.negatives, seed=args.seed, threshold=args.threshold
        )
    RESULTS.mkdir(exist_ok=True)
    name = "claims_timing.json" if args.timing else "claims_eval.json"
    (RESULTS / name).write_text(json.dumps(result, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if not k.endswith("examples")}, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()

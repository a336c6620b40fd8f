#!/usr/bin/env python3
"""Writes data/demo/district.json, the demo district's catalog.

A maintainer's tool, not part of the build: the JSON it writes is committed
and is the source the binary embeds. The shape follows the district's own
description (a national development zone): 30 departments on 4 floors,
offices at three levels (the district centre, 6 towns/streets, 37
communities), the 55 real-estate registration types (19 instant, 29 in 1
working day, 4 in 2, 3 in 3), the six enterprise-establishment items within
2 working hours at zero cost, and the other district, town and village items.
Run: python3 scripts/gen-demo-district.py > data/demo/district.json

Historical: this wrote the first 161 items. The committed JSON has moved on since (tax,
finance, IP and procurement items, places, the 办理项 list, the year's reform of depths, limits
and approvals; docs/catalog.md) and is now the source; running this would lose all that.
"""
import json
import sys

REGION = "371091"

# code, name, short name, floor
DEPARTMENTS = [
    ("xzsp", "经区行政审批服务局", "行政审批", 2),
    ("scjg", "经区市场监督管理局", "市场监管", 2),
    ("sw", "国家税务总局威海经区税务局", "税务", 3),
    ("rs", "经区人力资源和社会保障局", "人社", 4),
    ("bdc", "市不动产登记中心经区分中心", "不动产登记", 1),
    ("crj", "公安经区分局出入境管理大队", "出入境", 4),
    ("ga", "公安经区分局", "公安", 2),
    ("gjj", "市住房公积金管理中心经区管理部", "公积金", 2),
    ("yb", "经区医疗保障局", "医保", 4),
    ("czjr", "经区财政金融局", "财政金融", 2),
    ("zrzy", "经区自然资源局", "自然资源", 2),
    ("zj", "经区住房和城乡建设局", "住建", 2),
    ("sthj", "市生态环境局经区分局", "生态环境", 2),
    ("yj", "经区应急管理局", "应急管理", 2),
    ("jt", "经区交通运输局", "交通运输", 2),
    ("wj", "经区卫生健康局", "卫生健康", 2),
    ("jy", "经区教育局", "教育", 2),
    ("mz", "经区民政局", "民政", 2),
    ("tyjr", "经区退役军人事务局", "退役军人", 2),
    ("gd", "国网经区供电中心", "供电", 1),
    ("gs", "经区供水公司", "供水", 1),
    ("rq", "经区燃气公司", "燃气", 1),
    ("rl", "经区热力公司", "供热", 1),
    ("gz", "经区公证处", "公证", 1),
    ("fy", "经区人民法院诉讼服务中心", "法院", 2),
    ("xf", "经区消防救援大队", "消防", 2),
    ("rf", "经区人民防空办公室", "人防", 2),
    ("wl", "经区文化和旅游局", "文化旅游", 2),
    ("ny", "经区农业农村局", "农业农村", 2),
    ("sf", "经区司法局", "司法", 2),
]
FLOOR = {c: f for c, _, _, f in DEPARTMENTS}

TOWNS = [("hg", "皇冠街道"), ("fl", "凤林街道"), ("xy", "西苑街道"),
         ("by", "泊于镇"), ("gs", "崮山镇"), ("qt", "桥头镇")]
COMMUNITIES = {
    "hg": ["海埠", "福泰", "皇冠", "新港", "金海", "东城", "海景"],
    "fl": ["凤林", "东山", "海悦", "华府", "香水", "天润", "凤鸣"],
    "xy": ["西苑", "丰润", "海源", "江家寨", "新都", "文化"],
    "by": ["泊于", "南桥", "北阳", "嵩山", "青岛路"],
    "gs": ["崮山", "后峰西", "前峰", "金角", "岳家", "方吉"],
    "qt": ["桥头", "北山", "柳林", "石门", "宋家", "上庄"],
}

TYPE_CODE = {"license": "01", "levy": "04", "payment": "05", "inspection": "06",
             "confirmation": "07", "reward": "08", "ruling": "09", "other": "10",
             "public_service": "20"}
LEVEL_NAME = {"district": "区级", "town": "镇（街道）级", "village": "村（居）级"}
HOURS = "法定工作日 上午9:00—12:00，下午13:00—17:00（24小时自助服务区全天开放）"

serial = {}


def basic_code(type_):
    n = serial.get(type_, 0) + 1
    serial[type_] = n
    return f"{TYPE_CODE[type_]}{1000 + n:04d}{(n * 7) % 1000:03d}000"


def mat(i, name, required=True, **extra):
    m = {"id": f"m{i}", "name": name, "required": required, "form": "both",
         "source": "applicant", "copies": 1}
    m.update(extra)
    return m


ID_MAT = "申请人身份证明"
APP_FORM = "申请表（网上填报可免交纸质件）"


def item(name, dept, type_, case_type, legal, promised, depth, visits=None, unit="workday",
         promised_unit=None, materials=None, levels=(3, 1), signatures=(3, 1), level="district",
         fees=None, form=None, keywords="", delivery=None, conditions="", basis=""):
    if visits is None:
        visits = 0 if depth == 4 else 1
    code_b = basic_code(type_)
    steps = [{"name": n, "department": dept, "role": "approver"}
             for n in (["审查", "决定"] if levels[1] >= 2 else ["审核决定"])]
    if case_type == "instant":
        steps = []
    it = {
        "code": REGION + code_b,
        "basic_code": code_b,
        "name": name,
        "department": dept,
        "level": level,
        "type": type_,
        "case_type": case_type,
        "legal_limit": {"value": legal, "unit": unit},
        "promised_limit": {"value": promised, "unit": promised_unit or unit},
        "visits": visits,
        "online_depth": depth,
        "materials": materials or [mat(1, ID_MAT), mat(2, APP_FORM)],
        "fees": fees or [],
        "fee_free": not fees,
        "where": (f"经区齐鲁大道66号政务服务中心{FLOOR[dept]}楼 综合受理窗口"
                  if level == "district" else
                  "各镇（街道）便民服务中心综合窗口" if level == "town" else
                  "各村（社区）便民服务站"),
        "when": HOURS,
        "phone": "0631-5" + f"{600000 + len(serial) * 37 + sum(serial.values()):06d}"[-6:],
        "conditions": conditions or f"符合《{name}》办理条件的自然人、法人或其他组织。",
        "legal_basis": basis or "依据相关法律、法规和规章。",
        "approval": {"levels_before": levels[0], "levels": levels[1],
                     "signatures_before": signatures[0], "signatures": signatures[1]},
        "form": form or [
            {"name": "applicant_name", "label": "申请人名称", "type": "text", "required": True},
            {"name": "contact_phone", "label": "联系电话", "type": "phone", "required": True},
            {"name": "note", "label": "申请事由", "type": "textarea", "required": False,
             "max_length": 500},
        ],
        "steps": steps,
        "delivery": delivery or (["window", "mail", "electronic"] if depth >= 3 else ["window"]),
        "keywords": keywords,
    }
    return it


items = []

# --- enterprise establishment (企业开办): six items, 2 working hours, zero cost
EST = [
    ("企业设立登记（营业执照核发）", "xzsp", "license", 3, "营业执照"),
    ("公章刻制备案（首套4枚印章免费）", "ga", "other", 1, "印章"),
    ("发票申领及税务UKey发放", "sw", "other", 1, "发票 税控"),
    ("单位社会保险登记", "rs", "confirmation", 5, "社保"),
    ("住房公积金单位缴存登记", "gjj", "confirmation", 5, "公积金"),
    ("企业银行开户预约", "czjr", "public_service", 1, "银行开户"),
]
for name, dept, type_, legal, kw in EST:
    items.append(item(
        name, dept, type_, "promised", legal, 2, 4, promised_unit="workhour",
        levels=(2, 1), signatures=(2, 1), keywords=f"企业开办 一链办理 {kw}",
        materials=[mat(1, "企业开办一表填报申请书"), mat(2, "法定代表人身份证明"),
                   mat(3, "住所（经营场所）使用证明", required=False,
                       condition="住所申报承诺制下可免交")],
        form=[{"name": "company_name", "label": "企业名称", "type": "text", "required": True},
              {"name": "legal_person", "label": "法定代表人", "type": "text", "required": True},
              {"name": "registered_capital", "label": "注册资本（万元）", "type": "number",
               "required": True},
              {"name": "address", "label": "住所", "type": "text", "required": True}],
        conditions="新设立的企业，实行“一窗受理、一表填报、全程网办”，2小时内办结，零成本。",
        basis="《市场主体登记管理条例》；《优化营商环境条例》"))

# --- real estate registration: 55 types, 19 instant, 29 in 1 day, 4 in 2, 3 in 3
RE_INSTANT = [
    "国有建设用地使用权注销登记", "房屋所有权注销登记", "抵押权注销登记", "地役权注销登记",
    "预告登记注销", "查封登记", "解除查封登记", "异议登记", "异议登记注销",
    "不动产权证书补发", "不动产权证书换发", "不动产登记证明补发", "不动产登记资料查询",
    "不动产权属证明出具", "更正登记（登记机构错误）", "姓名或名称变更登记", "身份证明号码变更登记",
    "共有人份额变更登记（持证）", "不动产坐落名称变更登记",
]
RE_ONE = [
    "国有建设用地使用权首次登记", "国有建设用地使用权转移登记", "国有建设用地使用权变更登记",
    "房屋所有权首次登记（新建商品房）", "二手房转移登记", "新建商品房转移登记",
    "继承（受遗赠）转移登记", "赠与转移登记", "夫妻间房屋转移登记", "离婚析产转移登记",
    "抵押权首次登记（一般抵押）", "抵押权首次登记（最高额抵押）", "抵押权变更登记",
    "抵押权转移登记", "在建建筑物抵押权登记", "预购商品房预告登记", "预购商品房抵押预告登记",
    "预告登记转移", "预告登记变更", "地役权首次登记", "地役权变更登记", "地役权转移登记",
    "宅基地使用权及房屋所有权转移登记", "宅基地使用权及房屋所有权变更登记",
    "集体建设用地使用权转移登记", "集体建设用地使用权变更登记", "土地承包经营权变更登记",
    "海域使用权转移登记", "不动产与水电气热同步过户",
]
RE_TWO = ["宅基地使用权及房屋所有权首次登记", "集体建设用地使用权首次登记",
          "海域使用权首次登记", "更正登记（依申请）"]
RE_THREE = ["林权首次登记", "土地承包经营权首次登记", "建筑物区分所有权业主共有部分首次登记"]
re_mats = [mat(1, "不动产登记申请书"), mat(2, ID_MAT), mat(3, "不动产权属证书", required=False,
           condition="首次登记除外", source="government"), mat(4, "登记原因证明文件")]
re_form = [{"name": "unit_no", "label": "不动产单元号", "type": "text", "required": True,
            "pattern": "^[0-9A-Z]{28}$"},
           {"name": "location", "label": "坐落", "type": "text", "required": True},
           {"name": "contact_phone", "label": "联系电话", "type": "phone", "required": True}]
for names, promised in ((RE_INSTANT, 0), (RE_ONE, 1), (RE_TWO, 2), (RE_THREE, 3)):
    for n in names:
        items.append(item(
            n, "bdc", "confirmation", "instant" if promised == 0 else "promised", 30, promised,
            3, visits=1, levels=(3, 1) if promised else (2, 1), signatures=(4, 1),
            materials=re_mats, form=re_form, keywords="不动产 1113 一窗办理",
            fees=[{"name": "不动产登记费", "amount": 80, "basis": "发改价格规〔2016〕2559号",
                   "waived": False}] if promised else None,
            basis="《不动产登记暂行条例》及其实施细则"))

# --- other district items: (name, dept, type, legal, promised, depth, keywords)
DISTRICT = [
    ("食品经营许可", "xzsp", "license", 20, 3, 4, "一业一证 餐饮"),
    ("食品生产许可", "xzsp", "license", 20, 5, 4, "食品"),
    ("药品零售企业许可", "xzsp", "license", 30, 5, 4, "一业一证 药店"),
    ("公共场所卫生许可", "xzsp", "license", 20, 3, 4, "一业一证 宾馆 理发"),
    ("建筑工程施工许可证核发", "xzsp", "license", 7, 1, 4, "拿地即开工 五证联办"),
    ("建设工程规划许可证核发", "xzsp", "license", 20, 3, 4, "拿地即开工"),
    ("建设用地规划许可证核发", "xzsp", "license", 20, 3, 4, "工程建设"),
    ("城镇污水排入排水管网许可", "xzsp", "license", 20, 3, 4, "排水"),
    ("道路货物运输经营许可", "xzsp", "license", 20, 5, 4, "交通"),
    ("人力资源服务许可", "xzsp", "license", 20, 5, 4, "人力资源"),
    ("娱乐场所经营许可", "xzsp", "license", 20, 5, 4, "一业一证 KTV"),
    ("民办学校办学许可", "xzsp", "license", 30, 10, 3, "教育"),
    ("医疗机构执业登记", "xzsp", "license", 45, 10, 3, "卫生"),
    ("危险化学品经营许可", "xzsp", "license", 30, 10, 3, "安全生产"),
    ("户外广告设施设置审批", "xzsp", "license", 20, 3, 4, "城市管理"),
    ("城市道路占用、挖掘审批", "xzsp", "license", 20, 3, 4, "城市管理"),
    ("防空地下室易地建设审批", "rf", "license", 20, 5, 4, "人防 五证联办"),
    ("人防工程质量监督登记", "rf", "other", 5, 1, 4, "人防 五证联办"),
    ("建设工程质量监督登记", "zj", "other", 5, 1, 4, "五证联办 质量监督"),
    ("建设工程安全监督登记", "zj", "other", 5, 1, 4, "五证联办 安全监督"),
    ("建设工程消防验收", "zj", "license", 15, 7, 3, "消防"),
    ("公众聚集场所投入使用、营业前消防安全检查", "xf", "license", 10, 3, 3, "消防"),
    ("建设项目环境影响报告表审批", "sthj", "license", 30, 10, 4, "环评"),
    ("排污许可证核发", "sthj", "license", 20, 10, 4, "环保"),
    ("失业保险金申领", "rs", "payment", 10, 1, 4, "失业"),
    ("职工退休申请", "rs", "confirmation", 20, 5, 3, "退休 养老"),
    ("就业创业证申领", "rs", "public_service", 5, 0, 4, "就业"),
    ("灵活就业人员参保登记", "rs", "confirmation", 5, 0, 4, "社保"),
    ("工伤认定申请", "rs", "confirmation", 60, 30, 3, "工伤"),
    ("基本医疗保险参保登记", "yb", "confirmation", 5, 0, 4, "医保"),
    ("异地就医备案", "yb", "public_service", 5, 0, 4, "医保 跨省通办"),
    ("门诊慢特病待遇认定", "yb", "confirmation", 20, 10, 4, "医保"),
    ("普通护照签发", "crj", "license", 15, 7, 3, "出入境"),
    ("往来港澳通行证签发", "crj", "license", 15, 7, 3, "出入境"),
    ("往来台湾通行证签发", "crj", "license", 15, 7, 3, "出入境"),
    ("增值税发票代开", "sw", "other", 1, 0, 4, "税务 即办"),
    ("契税申报", "sw", "levy", 1, 0, 4, "税务 不动产 1113"),
    ("个人所得税综合所得汇算清缴", "sw", "levy", 1, 0, 4, "税务"),
    ("纳税信用复评", "sw", "confirmation", 15, 5, 4, "信用"),
    ("住房公积金提取", "gjj", "payment", 3, 0, 4, "公积金"),
    ("住房公积金个人贷款", "gjj", "payment", 15, 5, 3, "公积金 贷款"),
    ("低压居民用电新装", "gd", "public_service", 5, 1, 4, "注册即来电 获得电力"),
    ("低压非居民用电新装", "gd", "public_service", 5, 2, 4, "获得电力"),
    ("高压用电新装", "gd", "public_service", 20, 10, 3, "获得电力"),
    ("用水报装", "gs", "public_service", 10, 3, 4, "水电气热"),
    ("燃气报装", "rq", "public_service", 10, 3, 4, "水电气热"),
    ("供热开通", "rl", "public_service", 10, 3, 4, "水电气热"),
    ("继承公证", "gz", "public_service", 30, 15, 3, "公证 不动产"),
    ("网上立案", "fy", "public_service", 7, 1, 4, "诉讼 繁简分流"),
    ("法律援助申请", "sf", "payment", 7, 3, 4, "司法"),
    ("社会团体成立登记", "mz", "license", 60, 15, 3, "社会组织"),
    ("民办非企业单位成立登记", "mz", "license", 60, 15, 3, "社会组织"),
    ("婚姻登记", "mz", "confirmation", 1, 0, 2, "婚姻"),
    ("优待证申领", "tyjr", "public_service", 20, 5, 4, "退役军人"),
    ("农药经营许可", "ny", "license", 20, 5, 4, "农业"),
    ("动物防疫条件合格证核发", "ny", "license", 20, 5, 3, "农业"),
    ("营业性演出许可", "wl", "license", 20, 5, 4, "文化"),
    ("企业应急转贷资金申请", "czjr", "payment", 10, 3, 4, "过桥资金 应急转贷"),
    ("政府采购合同备案", "czjr", "other", 7, 2, 4, "政府采购 备案"),
    ("道路运输从业人员从业资格证核发", "jt", "license", 20, 5, 4, "交通"),
    ("护士执业注册", "wj", "license", 20, 5, 4, "卫生"),
    ("教师资格认定", "jy", "confirmation", 60, 20, 3, "教育"),
    ("生产安全事故应急预案备案", "yj", "other", 20, 3, 4, "应急"),
]
for name, dept, type_, legal, promised, depth, kw in DISTRICT:
    instant = promised == 0
    items.append(item(name, dept, type_, "instant" if instant else "promised", legal, promised,
                      depth, visits=0 if depth == 4 else (2 if depth == 2 else 1),
                      levels=(2, 1) if instant else (4, 2) if promised >= 10 else (3, 1),
                      signatures=(3, 1) if instant else (5, 2) if promised >= 10 else (4, 2),
                      keywords=kw))

TOWN = [
    ("城乡居民基本养老保险参保登记", "rs", "confirmation", 5, 0, 4),
    ("城乡居民基本养老保险待遇申领", "rs", "payment", 20, 5, 4),
    ("城乡居民基本医疗保险参保登记", "yb", "confirmation", 5, 0, 4),
    ("城乡最低生活保障申请", "mz", "payment", 30, 20, 3),
    ("特困人员救助供养申请", "mz", "payment", 30, 20, 3),
    ("临时救助申请", "mz", "payment", 15, 5, 3),
    ("80周岁以上老年人高龄津贴申领", "mz", "payment", 20, 5, 4),
    ("困难残疾人生活补贴和重度残疾人护理补贴申请", "mz", "payment", 30, 10, 3),
    ("农村宅基地用地审批", "ny", "license", 20, 10, 3),
    ("农村村民建房规划许可", "zrzy", "license", 20, 10, 3),
    ("就业困难人员认定", "rs", "confirmation", 15, 5, 4),
    ("失业登记", "rs", "confirmation", 5, 0, 4),
    ("计划生育家庭特别扶助金申领", "wj", "payment", 30, 10, 3),
    ("生育登记", "wj", "public_service", 5, 0, 4),
    ("个体工商户登记", "xzsp", "license", 15, 1, 4),
    ("退役士兵自主就业一次性经济补助金给付", "tyjr", "payment", 30, 10, 3),
    ("农业机械购置补贴申请", "ny", "payment", 30, 15, 3),
    ("孤儿基本生活费发放", "mz", "payment", 30, 10, 3),
    ("残疾人证申领", "mz", "confirmation", 20, 10, 3),
    ("流动人口婚育证明", "wj", "confirmation", 5, 0, 4),
    ("城市道路临时停车许可", "jt", "license", 10, 3, 4),
    ("小型餐饮登记", "scjg", "license", 15, 3, 4),
]
for name, dept, type_, legal, promised, depth in TOWN:
    instant = promised == 0
    items.append(item(name, dept, type_, "instant" if instant else "promised", legal, promised,
                      depth, level="town", levels=(2, 1) if instant else (3, 2),
                      signatures=(2, 1) if instant else (3, 2), keywords="就近办 下沉"))

VILLAGE = [
    ("城乡居民医保参保代办", "yb", "public_service", 5, 0, 3),
    ("城乡居民养老保险参保代办", "rs", "public_service", 5, 0, 3),
    ("社会救助申请代办", "mz", "public_service", 5, 2, 2),
    ("高龄津贴申领代办", "mz", "public_service", 5, 2, 3),
    ("残疾人两项补贴申请代办", "mz", "public_service", 5, 2, 2),
    ("就业失业登记代办", "rs", "public_service", 5, 1, 3),
    ("生育登记代办", "wj", "public_service", 5, 0, 3),
    ("老年人优待证代办", "mz", "public_service", 10, 3, 3),
    ("农村宅基地申请受理", "ny", "public_service", 5, 3, 2),
    ("退役军人信息采集", "tyjr", "public_service", 5, 0, 3),
    ("居住证申领代办", "ga", "public_service", 10, 5, 2),
    ("供水报修受理", "gs", "public_service", 2, 1, 3),
    ("用电报修受理", "gd", "public_service", 2, 1, 3),
    ("法律咨询预约", "sf", "public_service", 5, 1, 4),
    ("志愿服务登记", "mz", "public_service", 3, 0, 4),
]
for name, dept, type_, legal, promised, depth in VILLAGE:
    instant = promised == 0
    items.append(item(name, dept, type_, "instant" if instant else "promised", legal, promised,
                      depth, visits=0 if depth == 4 else 1, level="village", levels=(1, 1),
                      signatures=(1, 1), keywords="村居代办 就近办"))

offices = [{"code": "jq", "name": "经区政务服务中心", "level": "district", "parent": None}]
for code, name in TOWNS:
    offices.append({"code": code, "name": f"{name}便民服务中心", "level": "town", "parent": "jq"})
for code, names in COMMUNITIES.items():
    for i, n in enumerate(names, 1):
        offices.append({"code": f"{code}{i:02d}", "name": f"{n}社区便民服务站", "level": "village",
                        "parent": code})

# How review steps are assigned, and which items are commitment-based (告知承诺制:
# decided at acceptance on the applicant's signed commitment, checked afterwards).
COMMITMENT = {"公共场所卫生许可", "人力资源服务许可"}
MANUAL = {"民办学校办学许可"}
for it in items:
    if it["name"] in COMMITMENT:
        it["commitment"] = True
        it["post_check_days"] = 20
    if it["steps"]:
        it["assignment"] = ("manual" if it["name"] in MANUAL else
                            "round_robin" if it["department"] == "bdc" else "random")
    it["material_max_kb"] = 10240

district = {
    "departments": [{"code": c, "name": n, "short_name": s, "floor": f}
                    for c, n, s, f in DEPARTMENTS],
    "offices": offices,
    "items": items,
}
assert len(DEPARTMENTS) == 30 and len(offices) == 1 + 6 + 37
assert len(RE_INSTANT) == 19 and len(RE_ONE) == 29 and len(RE_TWO) == 4 and len(RE_THREE) == 3
assert len({i["code"] for i in items}) == len(items)
json.dump(district, sys.stdout, ensure_ascii=False, indent=1)
sys.stdout.write("\n")
print(f"{len(items)} items", file=sys.stderr)

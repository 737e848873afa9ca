"""Static facts of the demo county 安和县: its place names, hall, sectors, departments, windows.

Modelled on the halls the seed articles describe (Huimin's "1+11" hall with 16 intake and 2
pickup windows, 50+ departments, a township centre per township and a station per village).
The county is fictional; its division codes sit under Shandong/Binzhou with a county number
(371699) that no real county uses.
"""

PROVINCE = ("370000000000", "山东省")
CITY = ("371600000000", "滨州市")
COUNTY = ("371699000000", "安和县")
COUNTY_ID_PREFIX = "371699"  # first six digits of resident ID numbers issued here

# Townships: (3-digit code, name, kind) — kind 1 街道 / 1xx 镇 / 2xx 乡 as in the division codes.
TOWNSHIPS = [
    ("001", "城关街道"),
    ("002", "安和街道"),
    ("101", "李庄镇"),
    ("102", "清河镇"),
    ("103", "石桥镇"),
    ("104", "麻店镇"),
    ("105", "桑落墅镇"),
    ("106", "淄角镇"),
    ("201", "何坊乡"),
    ("202", "辛店乡"),
]
VILLAGE_WORDS = [
    "王家",
    "张庄",
    "刘集",
    "后屯",
    "前屯",
    "东关",
    "西关",
    "北洼",
    "南洼",
    "小营",
    "大营",
    "孙楼",
    "赵坊",
    "杨柳",
    "槐树",
    "杏林",
    "马家",
    "崔家",
    "河沿",
    "新村",
    "胡家",
    "郭家",
    "姜家",
    "梁庄",
    "宋庄",
    "官庄",
    "韩集",
    "付家",
    "高庙",
    "白塔",
]

HALL_CODE = "AHX"
HALL_NAME = "安和县政务服务中心"
HALL_ADDRESS = "安和县城关街道政通路88号"
HALL_PHONE = "0543-5388000"
HALL_HOURS = "周一至周五 上午8:30-12:00 下午14:00-17:30（夏季14:30-18:00），周六上午延时服务"

# The eleven sectors of the hall (Huimin's "1+11"): code, name.
SECTORS = [
    ("BDC", "不动产交易登记"),
    ("CRJ", "出入境管理"),
    ("GJJ", "住房公积金"),
    ("SHZH", "社会综合事务"),
    ("SSFW", "商事服务"),
    ("TZJS", "投资建设项目"),
    ("ZHBM", "综合便民"),
    ("SHBZ", "社会保障"),
    ("ZJFW", "中介服务"),
    ("RX12345", "12345热线承办"),
    ("SWFW", "税务服务"),
]

# Departments resident in the hall: code, name, short name, home sector.
DEPARTMENTS = [
    ("XZSP", "县行政审批服务局", "行政审批", "ZHBM"),
    ("FGJ", "县发展和改革局", "发改", "TZJS"),
    ("SCJG", "县市场监督管理局", "市场监管", "SSFW"),
    ("WJJ", "县卫生健康局", "卫健", "SHZH"),
    ("ZRZY", "县自然资源和规划局", "自然资源", "TZJS"),
    ("ZJJ", "县住房和城乡建设局", "住建", "TZJS"),
    ("RSJ", "县人力资源和社会保障局", "人社", "SHBZ"),
    ("SBZX", "县社会保险事业中心", "社保中心", "SHBZ"),
    ("JYZX", "县公共就业和人才服务中心", "就业人才", "SHBZ"),
    ("MZJ", "县民政局", "民政", "SHZH"),
    ("GAJ", "县公安局", "公安", "ZHBM"),
    ("CRJ", "县公安局出入境管理大队", "出入境", "CRJ"),
    ("JGDD", "县公安局交通管理大队", "交管", "ZHBM"),
    ("SWJ", "国家税务总局安和县税务局", "税务", "SWFW"),
    ("YBJ", "县医疗保障局", "医保", "SHBZ"),
    ("GJJ", "县住房公积金管理中心", "公积金", "GJJ"),
    ("BDCDJ", "县不动产登记中心", "不动产", "BDC"),
    ("JTJ", "县交通运输局", "交通", "ZHBM"),
    ("SLJ", "县水利局", "水利", "TZJS"),
    ("NYJ", "县农业农村局", "农业农村", "ZHBM"),
    ("SHJ", "县生态环境分局", "生态环境", "TZJS"),
    ("YJJ", "县应急管理局", "应急", "TZJS"),
    ("QXJ", "县气象局", "气象", "TZJS"),
    ("DZJ", "县地震局", "地震", "TZJS"),
    ("RFB", "县人防办", "人防", "TZJS"),
    ("XFJY", "县消防救援大队", "消防", "TZJS"),
    ("WLJ", "县文化和旅游局", "文旅", "SHZH"),
    ("JTYJ", "县教育和体育局", "教体", "SHZH"),
    ("LYJ", "县林业局", "林业", "ZHBM"),
    ("CGJ", "县城市管理局", "城管", "TZJS"),
    ("TYJR", "县退役军人事务局", "退役军人", "SHZH"),
    ("CL", "县残联", "残联", "SHZH"),
    ("YCJ", "县烟草专卖局", "烟草", "SSFW"),
    ("SFJ", "县司法局", "司法", "SHZH"),
    ("CZJ", "县财政局", "财政", "SHZH"),
    ("GXJ", "县工业和信息化局", "工信", "SSFW"),
    ("SWUJ", "县商务局", "商务", "SSFW"),
    ("KJJ", "县科学技术局", "科技", "SSFW"),
    ("TJJ", "县统计局", "统计", "ZHBM"),
    ("DAG", "县档案馆", "档案", "ZHBM"),
    ("MZZJ", "县民族宗教事务局", "民宗", "SHZH"),
    ("HSH", "县红十字会", "红十字会", "SHZH"),
    ("ZGH", "县总工会", "总工会", "SHZH"),
    ("FL", "县妇联", "妇联", "SHZH"),
    ("GDGS", "国网安和县供电公司", "供电", "ZHBM"),
    ("GSGS", "县自来水公司", "供水", "ZHBM"),
    ("RQGS", "县燃气公司", "燃气", "ZHBM"),
    ("YZGS", "中国邮政安和县分公司", "邮政", "ZHBM"),
    ("GZC", "县公证处", "公证", "ZJFW"),
    ("FCCH", "县房产测绘所", "房产测绘", "ZJFW"),
    ("TSZX", "县施工图审查中心", "图审", "ZJFW"),
    ("RXZX", "县12345政务服务便民热线中心", "12345", "RX12345"),
]

# 16 comprehensive intake windows, each serving one or two sectors (前台综合受理).
INTAKE_WINDOWS = [
    ("A01", "商事服务综合受理", ["SSFW"]),
    ("A02", "商事服务综合受理", ["SSFW"]),
    ("A03", "商事服务综合受理", ["SSFW", "SWFW"]),
    ("A04", "投资建设项目综合受理", ["TZJS"]),
    ("A05", "投资建设项目综合受理", ["TZJS", "ZJFW"]),
    ("A06", "不动产交易登记综合受理", ["BDC"]),
    ("A07", "不动产交易登记综合受理", ["BDC", "SWFW"]),
    ("A08", "不动产交易登记综合受理", ["BDC", "GJJ"]),
    ("A09", "社会保障综合受理", ["SHBZ"]),
    ("A10", "社会保障综合受理", ["SHBZ"]),
    ("A11", "社会综合事务综合受理", ["SHZH"]),
    ("A12", "社会综合事务综合受理", ["SHZH", "RX12345"]),
    ("A13", "综合便民服务受理", ["ZHBM"]),
    ("A14", "综合便民服务受理", ["ZHBM", "CRJ"]),
    ("A15", "住房公积金综合受理", ["GJJ"]),
    ("A16", "税务服务综合受理", ["SWFW"]),
]
PICKUP_WINDOWS = [("B01", "统一出件"), ("B02", "统一出件（邮寄送达）")]
# Dedicated windows (专窗) staffed by one department.
DEDICATED_WINDOWS = [
    ("C01", "出入境证件专窗", "CRJ", ["CRJ"]),
    ("C02", "税务办税专窗", "SWJ", ["SWFW"]),
    ("C03", "公积金贷款专窗", "GJJ", ["GJJ"]),
    ("C04", "不动产登记专窗", "BDCDJ", ["BDC"]),
    ("C05", "帮办代办专窗", "XZSP", ["ZHBM"]),
    ("C06", "中介超市专窗", "FCCH", ["ZJFW"]),
]

# Departments busy enough to have approvers beside their chief representative.
BUSY_DEPARTMENTS = [
    "XZSP",
    "SCJG",
    "WJJ",
    "ZRZY",
    "ZJJ",
    "RSJ",
    "SBZX",
    "MZJ",
    "GAJ",
    "CRJ",
    "SWJ",
    "YBJ",
    "GJJ",
    "BDCDJ",
    "JTJ",
    "SLJ",
    "NYJ",
    "SHJ",
    "XFJY",
    "WLJ",
    "JTYJ",
    "CGJ",
    "JYZX",
    "FGJ",
    "LYJ",
    "YJJ",
    "CL",
    "TYJR",
    "RFB",
    "JGDD",
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN_CHARS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌海波鹏辉玲晨浩宇欣怡子涵梓轩雨嘉佳颖诗琪俊凯婷倩雪梅"
    "春生德福荣庆祥瑞安宁振兴立新卫东成林峰博晓光永亮家豪思远若曦一鸣天佑"
)
COMPANY_WORDS = [
    "鲁北",
    "安和",
    "清河",
    "富民",
    "汇通",
    "金穗",
    "绿源",
    "华泰",
    "鑫盛",
    "恒达",
    "宏图",
    "瑞丰",
    "众诚",
    "嘉禾",
    "永兴",
    "泰和",
    "康源",
    "德润",
    "顺达",
    "信诚",
]
COMPANY_TRADES = [
    ("餐饮管理", "有限公司"),
    ("农业科技", "有限公司"),
    ("建筑工程", "有限公司"),
    ("商贸", "有限公司"),
    ("医药连锁", "有限公司"),
    ("物流", "有限公司"),
    ("纺织", "有限公司"),
    ("食品", "有限公司"),
    ("机械制造", "有限公司"),
    ("房地产开发", "有限公司"),
    ("农机", "专业合作社"),
    ("果蔬种植", "专业合作社"),
    ("电子商务", "有限公司"),
    ("汽车运输", "有限公司"),
    ("教育咨询", "有限公司"),
]
SHOP_TRADES = [
    "小吃店",
    "便利店",
    "理发店",
    "五金店",
    "日杂店",
    "烟酒店",
    "水果店",
    "早餐店",
    "修车铺",
    "服装店",
]
STREETS = [
    "政通路",
    "人民路",
    "渤海路",
    "鼓楼街",
    "乐安大街",
    "长安路",
    "建设路",
    "棣州路",
    "新华街",
    "富国路",
]

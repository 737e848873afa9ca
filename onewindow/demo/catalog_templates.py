"""Per-department templates of the demo county's catalog.

Each `T` is one base item as a county catalog lists it; `variants` expand it into the
sub-items (子项) a real catalog carries: 新办/变更/延续/注销 and the like. Materials are
written "name" with markers: "~" tolerable (容缺), "?" optional, "@type:" taken from the
e-licence library. `days` is the promised limit in working days (0 = immediate case), or
(legal, promised). `joint` lists the departments reviewing in parallel; `reported` items
are handled up the hierarchy after the county's preliminary review.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class T:
    dept: str
    name: str
    cat: str = "licensing"
    days: int | tuple[int, int] = 5
    variants: tuple[str, ...] = ()
    mats: str = ""
    result: str = ""
    lic: str = ""
    basis: str = ""
    who: str = "both"
    joint: tuple[str, ...] = ()
    reported: bool = False
    inspect: bool = False
    fee: tuple[str, str] = ("", "")
    intermediary: bool = False
    sector: str = ""
    tags: tuple[str, ...] = field(default=())


V4 = ("新办", "变更", "延续", "注销")
V3 = ("新办", "变更", "注销")
VREG = ("设立登记", "变更登记", "注销登记")

FEE_BDC = (
    "住宅类每件80元，非住宅类每件550元；证书工本费每本10元（第一本免收）。小微企业免收。",
    "《国家发展改革委 财政部关于不动产登记收费标准等有关问题的通知》（发改价格规〔2016〕2559号）",
)
FEE_PASSPORT = (
    "普通护照每本120元。",
    "《国家发展改革委 财政部关于调整部分出入境证件收费标准的通知》（发改价格〔2019〕914号）",
)
FEE_HKMO = (
    "往来港澳通行证每证60元，签注每件15元。",
    "《国家发展改革委 财政部关于降低部分出入境证件收费标准的通知》（发改价格〔2019〕914号）",
)
FEE_RF = (
    "按应建防空地下室建筑面积每平方米1500元征收。",
    "《山东省人民防空工程建设管理规定》及省物价局、财政厅有关收费文件",
)

# fmt: off
TEMPLATES: list[T] = [
    # ---- 县行政审批服务局 ----
    T("XZSP", "帮办代办服务", "public_service", 0, mats="帮办代办服务申请单"),
    T("XZSP", "证明事项告知承诺书受理", "other_power", 1, mats="证明事项告知承诺书"),
    # ---- 县发展和改革局 ----
    T("FGJ", "企业投资项目核准", "licensing", (20, 10), mats="项目申请报告|@land_plan:用地预审与选址意见书|~节能审查意见", result="项目核准批复", basis="《企业投资项目核准和备案管理条例》（国务院令第673号）", who="organisation", sector="TZJS"),
    T("FGJ", "企业投资项目备案", "other_power", 0, variants=("备案", "变更备案", "注销备案"), mats="项目备案信息表", result="项目备案证明", basis="《企业投资项目核准和备案管理条例》（国务院令第673号）", who="organisation"),
    T("FGJ", "政府投资项目建议书审批", "licensing", (20, 10), mats="项目建议书|?项目单位请示文件", result="项目建议书批复", basis="《政府投资条例》（国务院令第712号）", who="organisation"),
    T("FGJ", "政府投资项目可行性研究报告审批", "licensing", (20, 12), mats="可行性研究报告|@land_plan:用地预审与选址意见书|~节能审查意见|~社会稳定风险评估报告", result="可行性研究报告批复", basis="《政府投资条例》（国务院令第712号）", who="organisation", intermediary=True),
    T("FGJ", "政府投资项目初步设计审批", "licensing", (20, 12), mats="初步设计文件及概算|可行性研究报告批复", result="初步设计批复", basis="《政府投资条例》（国务院令第712号）", who="organisation"),
    T("FGJ", "固定资产投资项目节能审查", "licensing", (15, 8), mats="节能报告|项目审批（核准、备案）文件", result="节能审查意见", basis="《固定资产投资项目节能审查办法》（国家发展改革委令第2号）", who="organisation", intermediary=True),
    T("FGJ", "粮食收购资格备案", "other_power", 0, mats="粮食收购备案表|@business_licence:营业执照", basis="《粮食流通管理条例》", who="organisation"),
    # ---- 县市场监督管理局 ----
    T("SCJG", "个体工商户登记", "licensing", 0, variants=VREG, mats="个体工商户登记申请书|@id_card:经营者身份证|~经营场所使用证明", result="营业执照", lic="business_licence", basis="《促进个体工商户发展条例》《中华人民共和国市场主体登记管理条例》", who="person", tags=("restaurant", "pharmacy")),
    T("SCJG", "有限责任公司登记", "licensing", 1, variants=("设立登记", "变更登记", "备案", "注销登记"), mats="公司登记（备案）申请书|公司章程|@id_card:股东身份证明|法定代表人、董事、监事和经理的任职文件|~住所使用证明", result="营业执照", lic="business_licence", basis="《中华人民共和国公司法》《中华人民共和国市场主体登记管理条例》", who="organisation", tags=("company", "restaurant", "pharmacy")),
    T("SCJG", "股份有限公司登记", "licensing", 2, variants=VREG, mats="公司登记（备案）申请书|公司章程|发起人主体资格证明|验资证明或出资证明|~住所使用证明", result="营业执照", lic="business_licence", basis="《中华人民共和国公司法》《中华人民共和国市场主体登记管理条例》", who="organisation"),
    T("SCJG", "农民专业合作社登记", "licensing", 1, variants=VREG, mats="农民专业合作社登记申请书|设立大会纪要|合作社章程|成员名册及身份证明|~住所使用证明", result="营业执照", lic="business_licence", basis="《中华人民共和国农民专业合作社法》", who="organisation"),
    T("SCJG", "个人独资企业登记", "licensing", 1, variants=VREG, mats="个人独资企业登记申请书|@id_card:投资人身份证|~企业住所证明", result="营业执照", lic="business_licence", basis="《中华人民共和国个人独资企业法》", who="person"),
    T("SCJG", "合伙企业登记", "licensing", 1, variants=VREG, mats="合伙企业登记申请书|合伙协议|全体合伙人身份证明|~主要经营场所证明", result="营业执照", lic="business_licence", basis="《中华人民共和国合伙企业法》"),
    T("SCJG", "分公司登记", "licensing", 1, variants=VREG, mats="分公司登记申请书|@business_licence:隶属公司营业执照|分公司负责人任职文件|~营业场所使用证明", result="营业执照", lic="business_licence", basis="《中华人民共和国公司法》", who="organisation"),
    T("SCJG", "食品经营许可", "licensing", (20, 5), variants=V4, mats="食品经营许可申请书|@business_licence:营业执照|与食品经营相适应的主要设备设施布局、操作流程等文件|食品安全自查、从业人员健康管理、进货查验记录等食品安全管理制度|~食品安全管理人员健康证明", result="食品经营许可证", lic="food_business", basis="《中华人民共和国食品安全法》第三十五条；《食品经营许可和备案管理办法》", inspect=True, tags=("restaurant",)),
    T("SCJG", "食品生产许可", "licensing", (20, 10), variants=V4, mats="食品生产许可申请书|@business_licence:营业执照|食品生产设备布局图和食品生产工艺流程图|食品生产主要设备、设施清单|专职或者兼职的食品安全专业技术人员、食品安全管理人员信息和食品安全管理制度", result="食品生产许可证", lic="food_production", basis="《中华人民共和国食品安全法》第三十五条；《食品生产许可管理办法》", who="organisation", inspect=True),
    T("SCJG", "小餐饮登记证核发", "licensing", (15, 5), variants=V4, mats="小餐饮登记申请表|@id_card:经营者身份证|~从业人员健康证明|经营场所平面布局图", result="小餐饮登记证", basis="《山东省食品小作坊小餐饮和食品摊点管理条例》", who="person", inspect=True),
    T("SCJG", "食品小作坊登记证核发", "licensing", (15, 8), variants=V4, mats="食品小作坊登记申请表|@id_card:经营者身份证|生产加工场所平面图及工艺流程|~从业人员健康证明", result="食品小作坊登记证", basis="《山东省食品小作坊小餐饮和食品摊点管理条例》", who="person", inspect=True),
    T("SCJG", "药品零售企业许可", "licensing", (30, 15), variants=V4, mats="药品经营许可证申请表|@business_licence:营业执照|执业药师注册证及身份证明|经营场所、仓储设施平面布置图及产权或租赁证明|药品质量管理制度文件|~计算机管理系统说明", result="药品经营许可证（零售）", lic="drug_retail", basis="《中华人民共和国药品管理法》第五十二条；《药品经营和使用质量监督管理办法》", who="organisation", inspect=True, tags=("pharmacy",)),
    T("SCJG", "第二类医疗器械经营备案", "other_power", 0, variants=("备案", "备案变更", "备案注销"), mats="第二类医疗器械经营备案表|@business_licence:营业执照|经营场所和库房地址的地理位置图、平面图|质量管理制度文件目录", result="第二类医疗器械经营备案凭证", basis="《医疗器械监督管理条例》第四十一条", who="organisation", tags=("pharmacy",)),
    T("SCJG", "第三类医疗器械经营许可", "licensing", (20, 12), variants=V4, mats="医疗器械经营许可申请表|@business_licence:营业执照|质量负责人身份证明、学历或职称证明|经营场所、库房地址的地理位置图、平面图|经营质量管理制度、工作程序文件目录", result="医疗器械经营许可证", basis="《医疗器械监督管理条例》第四十二条", who="organisation", inspect=True),
    T("SCJG", "特种设备使用登记", "licensing", (15, 5), variants=V3, mats="特种设备使用登记表|@business_licence:使用单位营业执照|产品合格证|监督检验证明|~安装告知书", result="特种设备使用登记证", basis="《中华人民共和国特种设备安全法》第三十三条", who="organisation"),
    T("SCJG", "强制检定计量器具登记备案", "other_power", 0, mats="强制检定计量器具登记表|@business_licence:营业执照", basis="《中华人民共和国计量法》第九条", who="organisation"),
    T("SCJG", "股权出质登记", "confirmation", 0, variants=VREG, mats="股权出质登记申请书|质押合同|出质人、质权人主体资格证明", result="股权出质登记通知书", basis="《股权出质登记办法》"),
    T("SCJG", "动产抵押登记", "confirmation", 0, variants=VREG, mats="动产抵押登记书|抵押合同|抵押人、抵押权人主体资格证明", basis="《中华人民共和国民法典》第四百零三条"),
    T("SCJG", "企业名称自主申报", "public_service", 0, mats="企业名称自主申报承诺书|@id_card:申报人身份证", basis="《企业名称登记管理规定》", tags=("company",)),
    T("SCJG", "广告发布登记", "licensing", (10, 5), mats="广告发布登记申请表|广告审查制度|广告从业人员名单及培训证明|@business_licence:营业执照", basis="《中华人民共和国广告法》第二十九条", who="organisation"),
    T("SCJG", "营业执照遗失补领", "public_service", 0, mats="营业执照补领申请书|遗失声明", result="营业执照", lic="business_licence", basis="《中华人民共和国市场主体登记管理条例实施细则》"),
    T("SCJG", "企业信用修复", "other_power", (15, 5), mats="信用修复申请书|已履行相关义务的证明材料|信用修复承诺书", basis="《市场监督管理信用修复管理办法》", who="organisation"),
    # ---- 县卫生健康局 ----
    T("WJJ", "医疗机构执业许可", "licensing", (45, 20), variants=("新办", "变更", "校验", "注销"), mats="医疗机构执业登记申请书|医疗机构用房产权证明或使用证明|医疗机构建筑设计平面图|验资证明、资产评估报告|医疗机构规章制度|医疗机构法定代表人或主要负责人以及各科室负责人名录和有关资格证书、执业证书复印件", result="医疗机构执业许可证", lic="medical_institution", basis="《医疗机构管理条例》第十五条", who="organisation", inspect=True),
    T("WJJ", "医疗机构设置审批", "licensing", (30, 15), mats="设置申请书|设置可行性研究报告|选址报告和建筑设计平面图|@business_licence:设置单位营业执照", basis="《医疗机构管理条例》第九条", who="organisation", inspect=True),
    T("WJJ", "医师执业注册", "licensing", (20, 5), variants=("首次注册", "变更注册", "注销注册"), mats="医师执业注册申请审核表|@physician_qualification:医师资格证书|近6个月内的健康体检证明|拟执业机构的聘用证明", result="医师执业证书", lic="physician_practice", basis="《中华人民共和国医师法》第十三条；《医师执业注册管理办法》", who="person"),
    T("WJJ", "护士执业注册", "licensing", (20, 5), variants=("首次注册", "变更注册", "延续注册", "注销注册"), mats="护士执业注册申请审核表|@id_card:申请人身份证|学历证书及专业学习中的临床实习证明|护士执业资格考试成绩合格证明|近6个月内的健康体检证明|医疗卫生机构拟聘用的相关材料", result="护士执业证书", lic="nurse_practice", basis="《护士条例》第七条；《护士执业注册管理办法》", who="person"),
    T("WJJ", "公共场所卫生许可", "licensing", (20, 5), variants=V4, mats="公共场所卫生许可申请表|@business_licence:营业执照|公共场所地址方位示意图、平面图和卫生设施平面布局图|公共场所卫生检测或者评价报告|公共场所卫生管理制度|~从业人员健康合格证明", result="公共场所卫生许可证", lic="public_hygiene", basis="《公共场所卫生管理条例》第八条", inspect=True),
    T("WJJ", "生活饮用水供水单位卫生许可", "licensing", (20, 10), variants=V4, mats="供水单位卫生许可申请表|@business_licence:营业执照|水质检测报告|供水设施平面布局图|卫生管理制度|~直接从事供、管水人员健康体检合格证明", result="卫生许可证", basis="《中华人民共和国传染病防治法》第二十九条；《生活饮用水卫生监督管理办法》", who="organisation", inspect=True),
    T("WJJ", "放射诊疗许可", "licensing", (20, 15), variants=("新办", "变更", "校验", "注销"), mats="放射诊疗许可申请表|@medical_institution:医疗机构执业许可证|放射诊疗的设备清单|放射防护与质量控制管理制度|放射诊疗建设项目竣工验收合格证明|放射工作人员资格证书", result="放射诊疗许可证", basis="《放射诊疗管理规定》第十一条", who="organisation", inspect=True, intermediary=True),
    T("WJJ", "母婴保健技术服务执业许可", "licensing", (20, 10), variants=V3, mats="母婴保健技术服务执业许可申请登记书|@medical_institution:医疗机构执业许可证|相关卫生技术人员资格证明|设备清单", basis="《中华人民共和国母婴保健法》第三十二条", who="organisation"),
    T("WJJ", "乡村医生执业注册", "licensing", (20, 10), variants=("注册", "再注册", "注销"), mats="乡村医生执业注册申请表|@id_card:申请人身份证|乡村医生资格证明|村卫生室出具的执业证明", result="乡村医生执业证书", basis="《乡村医生从业管理条例》第九条", who="person"),
    T("WJJ", "出生医学证明签发", "public_service", 0, variants=("首次签发", "补发", "换发"), mats="出生医学证明办理申请表|@id_card:父母身份证|分娩医疗机构出具的出生证明", result="出生医学证明", lic="birth_certificate", basis="《中华人民共和国母婴保健法》第二十三条", who="person", tags=("newborn",)),
    T("WJJ", "计划生育家庭特别扶助金发放", "payment", (30, 15), mats="特别扶助申请表|@id_card:申请人身份证|@household:户口簿|子女死亡或伤残证明", basis="《中华人民共和国人口与计划生育法》第二十七条", who="person"),
    T("WJJ", "农村部分计划生育家庭奖励扶助金发放", "payment", (30, 15), mats="奖励扶助申请表|@id_card:申请人身份证|@household:户口簿", basis="《中华人民共和国人口与计划生育法》第二十七条", who="person"),
    T("WJJ", "生育登记", "public_service", 0, mats="生育登记信息表|@id_card:夫妻双方身份证|@marriage:结婚证", basis="《中华人民共和国人口与计划生育法》", who="person", tags=("newborn",)),
    # ---- 县自然资源和规划局 ----
    T("ZRZY", "建设项目用地预审与选址意见书核发", "licensing", (20, 10), mats="建设项目用地预审与选址申请表|项目建议书或项目备案信息|标注项目用地范围的土地利用总体规划图|~节约集约用地论证分析专章", result="建设项目用地预审与选址意见书", lic="land_plan", basis="《中华人民共和国土地管理法》第五十二条；《中华人民共和国城乡规划法》第三十六条", who="organisation", inspect=True),
    T("ZRZY", "建设用地规划许可证核发", "licensing", (20, 7), mats="建设用地规划许可申请表|@land_plan:用地预审与选址意见书|建设项目批准、核准、备案文件|国有建设用地使用权出让合同", result="建设用地规划许可证", lic="land_use_plan", basis="《中华人民共和国城乡规划法》第三十七条、第三十八条", who="organisation"),
    T("ZRZY", "建设工程规划许可证核发", "licensing", (20, 10), variants=("新办", "变更", "延续"), mats="建设工程规划许可申请表|@land_use_plan:建设用地规划许可证|建设工程设计方案|~建设工程总平面图|~日照分析报告", result="建设工程规划许可证", lic="project_plan", basis="《中华人民共和国城乡规划法》第四十条", who="organisation", joint=("DZJ", "QXJ", "RFB"), intermediary=True),
    T("ZRZY", "乡村建设规划许可证核发", "licensing", (20, 10), mats="乡村建设规划许可申请表|@id_card:申请人身份证|村民委员会意见|建设工程设计图", result="乡村建设规划许可证", basis="《中华人民共和国城乡规划法》第四十一条", inspect=True),
    T("ZRZY", "临时用地审批", "licensing", (20, 10), mats="临时用地申请表|临时用地土地复垦方案|与土地权利人签订的临时使用土地合同", basis="《中华人民共和国土地管理法》第五十七条", who="organisation", inspect=True),
    T("ZRZY", "建设工程规划核实", "confirmation", (15, 7), mats="建设工程规划核实申请表|@project_plan:建设工程规划许可证|竣工测量成果报告", result="建设工程规划核实合格证", basis="《中华人民共和国城乡规划法》第四十五条", who="organisation", inspect=True, intermediary=True),
    T("ZRZY", "采矿权登记", "licensing", (40, 20), variants=("新立", "变更", "延续", "注销"), mats="采矿权申请登记书|矿区范围图|矿产资源开发利用方案|~矿山地质环境保护与土地复垦方案|@business_licence:营业执照", result="采矿许可证", basis="《中华人民共和国矿产资源法》第三条；《矿产资源开采登记管理办法》", who="organisation", reported=True),
    T("ZRZY", "土地复垦方案审查", "other_power", (20, 10), mats="土地复垦方案报告书|项目批准文件", basis="《土地复垦条例》第十二条", who="organisation", intermediary=True),
    T("ZRZY", "国有建设用地使用权划拨审批", "licensing", (20, 15), mats="划拨用地申请书|项目批准文件|@land_plan:用地预审与选址意见书|勘测定界成果", basis="《中华人民共和国土地管理法》第五十四条", who="organisation", reported=True),
    # ---- 县住房和城乡建设局 ----
    T("ZJJ", "建筑工程施工许可证核发", "licensing", (15, 7), variants=("新办", "变更", "延期"), mats="建筑工程施工许可申请表|@project_plan:建设工程规划许可证|施工合同及中标通知书|施工图设计文件审查合格书|~质量安全监督手续|~建设资金落实承诺书", result="建筑工程施工许可证", lic="construction_permit", basis="《中华人民共和国建筑法》第七条、第八条；《建筑工程施工许可管理办法》", who="organisation", joint=("XFJY", "RFB", "QXJ")),
    T("ZJJ", "建筑业企业资质核准（施工总承包三级）", "licensing", (20, 15), variants=("新办", "变更", "延续"), mats="建筑业企业资质申请表|@business_licence:营业执照|企业主要人员证明材料|技术负责人资格证书|~企业安全生产条件证明", result="建筑业企业资质证书", basis="《中华人民共和国建筑法》第十三条；《建筑业企业资质管理规定》", who="organisation"),
    T("ZJJ", "商品房预售许可", "licensing", (10, 5), variants=("新办", "变更"), mats="商品房预售许可申请表|@business_licence:开发企业营业执照|@construction_permit:建筑工程施工许可证|@project_plan:建设工程规划许可证|商品房预售方案|工程施工进度证明|~预售资金监管协议", result="商品房预售许可证", basis="《中华人民共和国城市房地产管理法》第四十五条", who="organisation", inspect=True),
    T("ZJJ", "房屋建筑和市政基础设施工程竣工验收备案", "other_power", (15, 5), mats="工程竣工验收备案表|工程竣工验收报告|规划、消防、人防等部门出具的认可文件或准许使用文件|施工单位签署的工程质量保修书", result="竣工验收备案证明", basis="《房屋建筑和市政基础设施工程竣工验收备案管理办法》", who="organisation", joint=("ZRZY", "RFB", "QXJ")),
    T("ZJJ", "建设工程消防设计审查", "licensing", (15, 8), mats="消防设计审查申请表|消防设计文件|~依法需要批准的临时性建筑证明文件", result="消防设计审查意见书", basis="《中华人民共和国消防法》第十一条；《建设工程消防设计审查验收管理暂行规定》", who="organisation"),
    T("ZJJ", "建设工程消防验收", "licensing", (15, 8), mats="消防验收申请表|工程竣工验收报告|涉及消防的建设工程竣工图纸", result="消防验收意见书", basis="《中华人民共和国消防法》第十三条", who="organisation", inspect=True),
    T("ZJJ", "建设工程消防验收备案", "other_power", (5, 3), mats="消防验收备案表|工程竣工验收报告|涉及消防的建设工程竣工图纸", basis="《中华人民共和国消防法》第十三条", who="organisation"),
    T("ZJJ", "城镇污水排入排水管网许可", "licensing", (15, 7), variants=V3, mats="排水许可申请表|@business_licence:营业执照|排水户内部排水管网、专用检测井、污水排放口位置和口径的图纸及说明|~排水水质检测报告", result="城镇污水排入排水管网许可证", basis="《城镇排水与污水处理条例》第二十一条", who="organisation", inspect=True, tags=("restaurant",)),
    T("ZJJ", "燃气经营许可", "licensing", (20, 15), variants=V4, mats="燃气经营许可申请书|@business_licence:营业执照|燃气设施建设工程竣工验收备案文件|企业主要负责人、安全管理人员及运行维护人员考核合格证明|安全管理制度和应急预案", result="燃气经营许可证", basis="《城镇燃气管理条例》第十五条", who="organisation", inspect=True),
    T("ZJJ", "房屋交易合同网签备案", "other_power", 0, variants=("新建商品房", "存量房"), mats="房屋买卖合同|@id_card:买卖双方身份证明", basis="《中华人民共和国城市房地产管理法》第四十五条", sector="BDC", tags=("house",)),
    T("ZJJ", "商品房预售资金监管", "other_power", (5, 3), mats="预售资金监管协议|商品房预售方案", basis="《商品房销售管理办法》", who="organisation"),
    T("ZJJ", "公共租赁住房资格审核", "public_service", (30, 15), mats="公共租赁住房申请表|@id_card:申请人及家庭成员身份证|@household:户口簿|家庭收入及财产状况说明|~住房状况证明", basis="《公共租赁住房管理办法》", who="person", inspect=True),
    T("ZJJ", "建筑起重机械使用登记", "licensing", (7, 3), mats="建筑起重机械使用登记表|建筑起重机械安装验收资料|特种作业人员名单", basis="《建筑起重机械安全监督管理规定》第十七条", who="organisation"),
    T("ZJJ", "施工图设计文件审查合格书备案", "other_power", 0, mats="施工图审查合格书|施工图设计文件", basis="《房屋建筑和市政基础设施工程施工图设计文件审查管理办法》", who="organisation"),
    # ---- 县人力资源和社会保障局 ----
    T("RSJ", "人力资源服务许可", "licensing", (20, 10), variants=V4, mats="人力资源服务许可申请书|@business_licence:营业执照|经营场所使用证明|3名以上从事人力资源服务的专职工作人员证明|人力资源服务工作规章制度", result="人力资源服务许可证", basis="《人力资源市场暂行条例》第十八条", who="organisation"),
    T("RSJ", "劳务派遣经营许可", "licensing", (20, 10), variants=V4, mats="劳务派遣经营许可申请书|@business_licence:营业执照|验资报告（注册资本不少于200万元）|经营场所使用证明|劳务派遣管理制度", result="劳务派遣经营许可证", basis="《中华人民共和国劳动合同法》第五十七条", who="organisation"),
    T("RSJ", "民办职业培训学校设立", "licensing", (30, 20), variants=("设立", "变更", "终止"), mats="民办职业培训学校申请书|举办者资格证明|学校章程|校长、教学管理人员资格证明|办学场所证明", basis="《中华人民共和国民办教育促进法》第十二条", inspect=True),
    T("RSJ", "企业实行不定时工作制和综合计算工时工作制审批", "licensing", (20, 10), mats="特殊工时制度申请表|@business_licence:营业执照|工会或职工代表意见|实施方案", basis="《国务院关于职工工作时间的规定》第五条", who="organisation"),
    T("RSJ", "工伤认定", "confirmation", (60, 30), mats="工伤认定申请表|劳动关系证明材料|医疗诊断证明或职业病诊断证明书|~事故调查报告", result="认定工伤决定书", basis="《工伤保险条例》第十七条", inspect=True),
    T("RSJ", "劳动能力鉴定", "confirmation", (60, 40), mats="劳动能力鉴定申请表|认定工伤决定书|诊断证明及病历资料", basis="《工伤保险条例》第二十三条", who="person", reported=True),
    T("RSJ", "专业技术人员职称评审申报", "public_service", (30, 20), mats="专业技术职务任职资格评审表|学历证书|业绩成果材料", basis="《职称评审管理暂行规定》", who="person", reported=True),
    T("RSJ", "劳动人事争议仲裁", "adjudication", (45, 45), mats="仲裁申请书|@id_card:申请人身份证|证据材料", basis="《中华人民共和国劳动争议调解仲裁法》第二十八条"),
    # ---- 县社会保险事业中心 ----
    T("SBZX", "企业职工基本养老保险参保登记", "public_service", 0, mats="社会保险参保登记表|@business_licence:营业执照", basis="《中华人民共和国社会保险法》第五十七条", who="organisation", tags=("company",)),
    T("SBZX", "城乡居民基本养老保险参保登记", "public_service", 0, mats="城乡居民基本养老保险参保登记表|@id_card:参保人身份证", basis="《国务院关于建立统一的城乡居民基本养老保险制度的意见》", who="person"),
    T("SBZX", "企业职工基本养老保险待遇申领", "payment", (20, 10), mats="基本养老金申领表|@id_card:申请人身份证|~银行账户信息", basis="《中华人民共和国社会保险法》第十六条", who="person", tags=("retire",)),
    T("SBZX", "城乡居民基本养老保险待遇申领", "payment", (20, 5), mats="城乡居民养老保险待遇申领表|@id_card:申请人身份证", basis="《国务院关于建立统一的城乡居民基本养老保险制度的意见》", who="person"),
    T("SBZX", "养老保险关系转移接续", "public_service", (45, 15), mats="养老保险关系转移接续申请表|@id_card:参保人身份证", basis="《城镇企业职工基本养老保险关系转移接续暂行办法》", who="person"),
    T("SBZX", "个人账户一次性待遇申领", "payment", (20, 10), mats="个人账户一次性待遇申领表|@id_card:申请人身份证|死亡证明或出境定居证明|~继承人关系证明", basis="《中华人民共和国社会保险法》第十四条", who="person"),
    T("SBZX", "失业保险金申领", "payment", (15, 3), mats="失业保险金申领登记表|@id_card:申请人身份证|终止或者解除劳动合同的证明", basis="《失业保险条例》第十六条", who="person"),
    T("SBZX", "工伤保险待遇核定支付", "payment", (20, 10), mats="工伤保险待遇申请表|认定工伤决定书|医疗费用票据", basis="《工伤保险条例》第三十条"),
    T("SBZX", "社会保障卡申领", "public_service", 0, variants=("申领", "补换", "挂失"), mats="社会保障卡申领表|@id_card:申请人身份证", result="社会保障卡", basis="《中华人民共和国社会保险法》第五十八条", who="person", tags=("newborn",)),
    T("SBZX", "职工参保信息变更登记", "public_service", 0, mats="参保信息变更表|@id_card:参保人身份证", basis="《社会保险费申报缴纳管理规定》"),
    T("SBZX", "参保缴费证明打印", "public_service", 0, mats="@id_card:参保人身份证", basis="《中华人民共和国社会保险法》第七十四条"),
    # ---- 县公共就业和人才服务中心 ----
    T("JYZX", "就业创业证申领", "public_service", 0, mats="就业创业登记表|@id_card:申请人身份证", result="就业创业证", basis="《就业服务与就业管理规定》", who="person"),
    T("JYZX", "创业担保贷款申请", "public_service", (15, 10), mats="创业担保贷款申请表|@id_card:申请人身份证|@business_licence:营业执照|创业项目计划书", basis="《关于进一步做好创业担保贷款财政贴息工作的通知》", joint=("CZJ",)),
    T("JYZX", "一次性创业补贴申领", "payment", (20, 10), mats="一次性创业补贴申请表|@business_licence:营业执照|@id_card:申请人身份证", basis="《山东省就业创业补贴资金管理办法》", who="person"),
    T("JYZX", "灵活就业人员社会保险补贴申领", "payment", (20, 10), mats="社会保险补贴申请表|@id_card:申请人身份证|社会保险缴费凭证", basis="《就业补助资金管理办法》", who="person"),
    T("JYZX", "高校毕业生就业报到", "public_service", 0, mats="就业报到证或毕业证|@id_card:本人身份证", basis="《关于进一步做好高校毕业生就业工作的通知》", who="person"),
    T("JYZX", "流动人员人事档案管理", "public_service", 1, variants=("接收", "转递", "查阅"), mats="人事档案服务申请表|@id_card:本人身份证", basis="《流动人员人事档案管理暂行规定》", who="person"),
    # ---- 县民政局 ----
    T("MZJ", "最低生活保障审核确认", "payment", (30, 20), variants=("城市", "农村"), mats="最低生活保障申请书|@id_card:申请人及家庭成员身份证|@household:户口簿|家庭经济状况核对授权书|~家庭收入及财产状况声明", result="最低生活保障金领取证", basis="《社会救助暂行办法》第十一条", who="person", inspect=True),
    T("MZJ", "特困人员救助供养审核确认", "payment", (30, 20), mats="特困人员救助供养申请书|@id_card:申请人身份证|@household:户口簿|~残疾证明或生活自理能力评估证明", result="特困人员救助供养证", basis="《社会救助暂行办法》第十四条", who="person", inspect=True),
    T("MZJ", "临时救助", "payment", (15, 10), mats="临时救助申请书|@id_card:申请人身份证|遭遇困难的相关证明", basis="《社会救助暂行办法》第四十七条", who="person"),
    T("MZJ", "残疾人两项补贴", "payment", (20, 15), mats="残疾人两项补贴申请审批表|@id_card:申请人身份证|@disability:残疾人证|~低保证明", basis="《国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见》（国发〔2015〕52号）", who="person", joint=("CL",)),
    T("MZJ", "婚姻登记", "confirmation", 0, variants=("结婚登记", "离婚登记", "补领婚姻登记证"), mats="婚姻登记申请书|@id_card:当事人身份证|@household:当事人户口簿|本人近期2寸半身免冠合影照片", result="结婚证", lic="marriage", basis="《中华人民共和国民法典》第一千零四十九条；《婚姻登记条例》", who="person"),
    T("MZJ", "社会团体登记", "licensing", (60, 20), variants=("成立登记", "变更登记", "注销登记"), mats="社会团体登记申请书|业务主管单位批准文件|章程草案|验资报告|住所使用权证明|负责人基本情况及身份证明", result="社会团体法人登记证书", basis="《社会团体登记管理条例》第九条", who="organisation"),
    T("MZJ", "民办非企业单位登记", "licensing", (60, 20), variants=("成立登记", "变更登记", "注销登记"), mats="民办非企业单位登记申请书|业务主管单位批准文件|章程草案|验资报告|场所使用权证明", result="民办非企业单位登记证书", basis="《民办非企业单位登记管理暂行条例》第九条", who="organisation"),
    T("MZJ", "养老机构备案", "other_power", 0, mats="养老机构备案书|@business_licence:营业执照或法人登记证书|养老机构服务场所使用证明|备案承诺书", basis="《中华人民共和国老年人权益保障法》第四十三条", who="organisation"),
    T("MZJ", "高龄津贴发放", "payment", (20, 10), mats="高龄津贴申请表|@id_card:申请人身份证|~银行账户信息", basis="《山东省老年人权益保障条例》", who="person"),
    T("MZJ", "经济困难老年人养老服务补贴", "payment", (20, 10), mats="养老服务补贴申请表|@id_card:申请人身份证|家庭经济状况证明", basis="《关于建立健全经济困难的高龄、失能等老年人补贴制度的通知》", who="person"),
    T("MZJ", "惠民殡葬补贴", "payment", (10, 5), mats="惠民殡葬补贴申请表|@id_card:经办人身份证|火化证明|死亡证明", basis="《殡葬管理条例》", who="person"),
    T("MZJ", "地名命名、更名审批", "licensing", (30, 20), mats="地名命名（更名）申请书|拟命名（更名）理由及方案|相关方意见", basis="《地名管理条例》第十二条", who="organisation", reported=True),
    T("MZJ", "孤儿基本生活费发放", "payment", (20, 10), mats="孤儿基本生活费申请表|父母死亡或宣告失踪证明|@household:户口簿", basis="《国务院办公厅关于加强孤儿保障工作的意见》", who="person"),
    T("MZJ", "收养登记", "confirmation", (30, 20), mats="收养登记申请书|收养人身份证明|收养人家庭情况声明|被收养人情况证明", result="收养登记证", basis="《中华人民共和国民法典》第一千一百零五条", who="person", inspect=True),
    # ---- 县公安局 ----
    T("GAJ", "户口迁入登记（夫妻投靠）", "confirmation", (10, 3), mats="户口迁移申请表|@id_card:申请人身份证|@marriage:结婚证|@household:投靠方户口簿", result="准予迁入证明", basis="《中华人民共和国户口登记条例》第十条", who="person"),
    T("GAJ", "户口迁入登记（父母投靠子女）", "confirmation", (10, 3), mats="户口迁移申请表|@id_card:申请人身份证|亲属关系证明|@household:子女户口簿", basis="《中华人民共和国户口登记条例》第十条", who="person"),
    T("GAJ", "户口迁入登记（购房落户）", "confirmation", (10, 3), mats="户口迁移申请表|@id_card:申请人身份证|@property:不动产权证书", basis="《中华人民共和国户口登记条例》第十条", who="person", tags=("house",)),
    T("GAJ", "户口迁入登记（大中专学生）", "confirmation", (10, 3), mats="户口迁移申请表|录取通知书或毕业证书|户口迁移证", basis="《中华人民共和国户口登记条例》第十条", who="person"),
    T("GAJ", "出生登记", "confirmation", 0, mats="出生登记申请表|@birth_certificate:出生医学证明|@household:父母户口簿|@marriage:父母结婚证", result="户口簿（增页）", lic="household", basis="《中华人民共和国户口登记条例》第七条", who="person", tags=("newborn",)),
    T("GAJ", "死亡注销户口", "confirmation", 0, mats="死亡医学证明或火化证明|@household:户口簿", basis="《中华人民共和国户口登记条例》第八条", who="person"),
    T("GAJ", "居民身份证", "confirmation", (60, 20), variants=("申领", "换领", "补领"), mats="居民身份证申领登记表|@household:户口簿|本人近期标准照片", result="居民身份证", lic="id_card", basis="《中华人民共和国居民身份证法》第八条", who="person", reported=True, fee=("换领、补领每证20元；首次申领免费。", "《财政部 国家发展改革委关于公安部门收取居民身份证工本费有关问题的通知》")),
    T("GAJ", "临时居民身份证核发", "confirmation", 0, mats="临时居民身份证申领登记表|@household:户口簿", basis="《中华人民共和国临时居民身份证管理办法》", who="person", fee=("每证10元。", "《财政部 国家发展改革委关于公安部门收取居民身份证工本费有关问题的通知》")),
    T("GAJ", "居住证申领", "public_service", (15, 7), mats="居住证申领登记表|@id_card:申请人身份证|居住地住址证明|~就业、就读证明", result="居住证", basis="《居住证暂行条例》第九条", who="person"),
    T("GAJ", "户籍证明开具", "public_service", 0, mats="@id_card:申请人身份证|@household:户口簿", basis="《中华人民共和国户口登记条例》", who="person"),
    T("GAJ", "变更姓名登记", "confirmation", (10, 5), mats="变更姓名申请书|@household:户口簿|@id_card:身份证", basis="《中华人民共和国户口登记条例》第十八条", who="person"),
    T("GAJ", "民族成份变更", "confirmation", (30, 15), mats="变更民族成份申请书|父母民族成份证明|@household:户口簿", basis="《中国公民民族成份登记管理办法》", who="person", reported=True),
    T("GAJ", "公章刻制备案", "other_power", 0, mats="印章刻制备案表|@business_licence:营业执照|@id_card:法定代表人身份证", basis="《国务院关于第一批取消62项中央指定地方实施行政审批事项的决定》", who="organisation", tags=("company",)),
    T("GAJ", "旅馆业特种行业许可", "licensing", (20, 10), variants=V4, mats="旅馆业特种行业许可申请表|@business_licence:营业执照|房屋平面图|安全管理制度|~消防安全检查合格证明", result="特种行业许可证", basis="《旅馆业治安管理办法》第四条", inspect=True),
    T("GAJ", "典当业特种行业许可", "licensing", (20, 10), mats="典当业特种行业许可申请表|典当经营许可证|安全防范设施证明", basis="《典当管理办法》第二十四条", who="organisation", inspect=True),
    T("GAJ", "大型群众性活动安全许可", "licensing", (7, 5), mats="大型群众性活动安全许可申请表|活动安全工作方案|场所管理者同意使用证明", basis="《大型群众性活动安全管理条例》第十一条", who="organisation", joint=("XFJY",)),
    T("GAJ", "剧毒化学品购买许可", "licensing", (3, 3), mats="剧毒化学品购买许可申请表|@business_licence:营业执照|购买用途说明|经办人身份证明", basis="《危险化学品安全管理条例》第三十九条", who="organisation"),
    T("GAJ", "民用爆炸物品购买许可", "licensing", (5, 3), mats="民用爆炸物品购买许可申请表|工商营业执照或事业单位法人证书|《爆破作业单位许可证》或其他合法使用的证明|经办人身份证明", basis="《民用爆炸物品安全管理条例》第二十一条", who="organisation"),
    T("GAJ", "养犬登记", "other_power", 0, mats="养犬登记表|@id_card:养犬人身份证|犬只免疫证明", basis="《山东省动物防疫条例》", who="person"),
    # ---- 县公安局出入境管理大队 ----
    T("CRJ", "普通护照签发", "licensing", (15, 7), variants=("首次申领", "换发", "补发"), mats="中国公民出入境证件申请表|@id_card:申请人身份证|出入境证件数字相片", result="中华人民共和国普通护照", basis="《中华人民共和国护照法》第五条", who="person", reported=True, fee=FEE_PASSPORT),
    T("CRJ", "往来港澳通行证及签注签发", "licensing", (15, 7), variants=("首次申领", "换发", "补发"), mats="中国公民出入境证件申请表|@id_card:申请人身份证|出入境证件数字相片", result="往来港澳通行证", basis="《中国公民因私事往来香港地区或者澳门地区的暂行管理办法》", who="person", reported=True, fee=FEE_HKMO),
    T("CRJ", "往来台湾通行证及签注签发", "licensing", (15, 7), variants=("首次申领", "换发", "补发"), mats="中国公民出入境证件申请表|@id_card:申请人身份证|出入境证件数字相片", result="往来台湾通行证", basis="《中国公民往来台湾地区管理办法》", who="person", reported=True, fee=("往来台湾通行证每证60元，签注每件15元。", "《国家发展改革委 财政部关于降低部分出入境证件收费标准的通知》")),
    T("CRJ", "港澳再次签注", "licensing", 0, mats="@hkmo_permit:往来港澳通行证", basis="《中国公民因私事往来香港地区或者澳门地区的暂行管理办法》", who="person", fee=("每件15元。", "《国家发展改革委 财政部关于降低部分出入境证件收费标准的通知》")),
    T("CRJ", "出入境记录查询", "public_service", 0, mats="出入境记录查询申请表|@id_card:申请人身份证", basis="《中华人民共和国出境入境管理法》", who="person"),
    # ---- 县公安局交通管理大队 ----
    T("JGDD", "机动车驾驶证业务", "licensing", 0, variants=("期满换证", "遗失补证", "驾驶人信息变更"), mats="机动车驾驶证申请表|@id_card:申请人身份证|~身体条件证明", result="机动车驾驶证", basis="《中华人民共和国道路交通安全法》第十九条；《机动车驾驶证申领和使用规定》", who="person", fee=("机动车驾驶证工本费每证10元。", "《国家发展改革委 财政部关于公安交通管理部门收取的机动车驾驶证工本费等收费标准的通知》")),
    T("JGDD", "机动车登记", "confirmation", 0, variants=("注册登记", "转移登记", "变更登记", "抵押登记", "注销登记"), mats="机动车登记申请表|@id_card:机动车所有人身份证明|机动车来历证明|~机动车交通事故责任强制保险凭证", result="机动车登记证书", basis="《中华人民共和国道路交通安全法》第八条；《机动车登记规定》"),
    T("JGDD", "机动车检验合格标志核发", "other_power", 0, mats="机动车行驶证|机动车安全技术检验报告|机动车交通事故责任强制保险凭证", basis="《中华人民共和国道路交通安全法》第十三条"),
    T("JGDD", "机动车号牌补领", "other_power", 1, mats="补领号牌申请表|@id_card:机动车所有人身份证明", basis="《机动车登记规定》"),
    T("JGDD", "校车驾驶资格许可", "licensing", (5, 5), mats="校车驾驶资格申请表|机动车驾驶证|县级或者部队团级以上医疗机构出具的有关身体条件的证明", basis="《校车安全管理条例》第二十四条", who="person"),
    # ---- 国家税务总局安和县税务局 ----
    T("SWJ", "税务登记信息确认", "other_power", 0, mats="@business_licence:营业执照|纳税人登记信息确认表", basis="《中华人民共和国税收征收管理法》第十五条", who="organisation", tags=("company",)),
    T("SWJ", "发票领用", "other_power", 0, mats="发票领用簿|@id_card:经办人身份证", basis="《中华人民共和国发票管理办法》第十五条", tags=("company",)),
    T("SWJ", "增值税一般纳税人登记", "other_power", 0, mats="增值税一般纳税人登记表|@business_licence:营业执照", basis="《增值税一般纳税人登记管理办法》", who="organisation"),
    T("SWJ", "个人所得税综合所得汇算清缴", "levy", 0, mats="个人所得税年度自行纳税申报表|@id_card:纳税人身份证", basis="《中华人民共和国个人所得税法》第十一条", who="person"),
    T("SWJ", "契税申报", "levy", 0, mats="契税纳税申报表|@id_card:承受方身份证明|房屋权属转移合同", basis="《中华人民共和国契税法》", sector="BDC", tags=("house",)),
    T("SWJ", "存量房交易税费申报", "levy", 0, mats="存量房交易纳税申报表|@id_card:买卖双方身份证明|@property:不动产权证书|存量房买卖合同", basis="《中华人民共和国增值税暂行条例》《中华人民共和国个人所得税法》", sector="BDC", tags=("house",)),
    T("SWJ", "开具税收完税证明", "public_service", 0, mats="@id_card:纳税人身份证", basis="《税收票证管理办法》"),
    T("SWJ", "出口退（免）税备案", "other_power", 0, mats="出口退（免）税备案表|@business_licence:营业执照", basis="《出口货物劳务增值税和消费税管理办法》", who="organisation"),
    T("SWJ", "跨区域涉税事项报告", "other_power", 0, mats="跨区域涉税事项报告表|外出经营合同", basis="《国家税务总局关于创新跨区域涉税事项报验管理制度的通知》", who="organisation"),
    T("SWJ", "增值税发票代开", "other_power", 0, mats="代开增值税发票缴纳税款申报单|@id_card:经办人身份证|合同或相关证明", basis="《中华人民共和国发票管理办法》"),
    T("SWJ", "清税申报", "other_power", 1, mats="清税申报表|@business_licence:营业执照", basis="《中华人民共和国税收征收管理法实施细则》第十五条", who="organisation"),
    T("SWJ", "税收减免备案", "other_power", 0, mats="纳税人减免税备案登记表|减免税依据相关证明", basis="《税收减免管理办法》"),
    T("SWJ", "车辆购置税申报", "levy", 0, mats="车辆购置税纳税申报表|机动车销售统一发票|@id_card:纳税人身份证明", basis="《中华人民共和国车辆购置税法》"),
    T("SWJ", "城乡居民基本医疗保险费缴纳", "levy", 0, mats="@id_card:参保人身份证", basis="《中华人民共和国社会保险法》第二十五条", who="person", sector="SHBZ", tags=("newborn",)),
    T("SWJ", "印花税申报", "levy", 0, mats="印花税纳税申报表|应税凭证", basis="《中华人民共和国印花税法》"),
    # ---- 县医疗保障局 ----
    T("YBJ", "基本医疗保险参保登记", "public_service", 0, variants=("职工", "城乡居民"), mats="基本医疗保险参保登记表|@id_card:参保人身份证", basis="《中华人民共和国社会保险法》第二十三条", tags=("newborn",)),
    T("YBJ", "异地就医备案", "public_service", 0, mats="异地就医备案表|@id_card:参保人身份证", basis="《关于进一步做好基本医疗保险跨省异地就医直接结算工作的通知》", who="person"),
    T("YBJ", "门诊慢特病待遇认定", "confirmation", (15, 10), mats="门诊慢特病认定申请表|@id_card:参保人身份证|二级以上医院诊断证明及病历资料", basis="《山东省职工基本医疗保险门诊慢特病管理办法》", who="person", inspect=True),
    T("YBJ", "医疗费用手工（零星）报销", "payment", (20, 15), mats="医疗费用报销申请表|@id_card:参保人身份证|医疗费用发票|费用明细清单|出院记录", basis="《中华人民共和国社会保险法》第二十九条", who="person"),
    T("YBJ", "生育保险待遇申领", "payment", (20, 10), mats="生育保险待遇申领表|@id_card:参保人身份证|@birth_certificate:出生医学证明|医疗费用票据", basis="《中华人民共和国社会保险法》第五十四条", who="person"),
    T("YBJ", "职工退休医疗保险待遇核定", "payment", (15, 5), mats="退休人员医保待遇核定表|@id_card:参保人身份证|退休审批表", basis="《中华人民共和国社会保险法》第二十七条", who="person", tags=("retire",)),
    T("YBJ", "基本医疗保险关系转移接续", "public_service", (45, 15), mats="基本医疗保险关系转移接续申请表|@id_card:参保人身份证|参保凭证", basis="《流动就业人员基本医疗保障关系转移接续暂行办法》", who="person"),
    T("YBJ", "定点医药机构申请", "other_power", (90, 30), mats="定点医药机构申请表|@medical_institution:医疗机构执业许可证或药品经营许可证|医保管理制度", basis="《医疗机构医疗保障定点管理暂行办法》", who="organisation", inspect=True, tags=("pharmacy",)),
    T("YBJ", "医疗救助", "payment", (20, 10), mats="医疗救助申请表|@id_card:申请人身份证|医疗费用票据|救助对象身份证明", basis="《社会救助暂行办法》第二十八条", who="person"),
    # ---- 县住房公积金管理中心 ----
    T("GJJ", "住房公积金单位缴存登记", "public_service", 0, mats="住房公积金单位登记表|@business_licence:营业执照|经办人授权委托书", basis="《住房公积金管理条例》第十四条", who="organisation", tags=("company",)),
    T("GJJ", "住房公积金个人账户设立", "public_service", 0, mats="个人账户设立清册|@id_card:职工身份证", basis="《住房公积金管理条例》第十五条"),
    T("GJJ", "住房公积金提取", "public_service", (3, 1), variants=("购买自住住房", "建造翻建大修自住住房", "租赁自住住房", "偿还购房贷款本息", "离休退休", "出境定居", "职工死亡或被宣告死亡", "完全丧失劳动能力并与单位终止劳动关系", "无房职工支付物业费"), mats="住房公积金提取申请书|@id_card:职工身份证|提取事由证明材料|~银行卡", basis="《住房公积金管理条例》第二十四条", who="person", tags=("retire", "house")),
    T("GJJ", "住房公积金个人住房贷款", "public_service", (15, 10), mats="住房公积金个人住房贷款申请表|@id_card:借款人及配偶身份证|@marriage:婚姻状况证明|购房合同|收入证明|~首付款证明", basis="《住房公积金管理条例》第二十六条", who="person", joint=("BDCDJ",), sector="GJJ"),
    T("GJJ", "住房公积金贷款提前还款", "public_service", 1, mats="提前还款申请表|@id_card:借款人身份证", basis="《住房公积金管理条例》", who="person"),
    T("GJJ", "住房公积金缴存基数调整", "public_service", 0, mats="缴存基数调整清册|单位工资总额证明", basis="《住房公积金管理条例》第十六条", who="organisation"),
    T("GJJ", "住房公积金个人账户转移", "public_service", (5, 3), mats="个人账户转移申请表|@id_card:职工身份证", basis="《住房公积金管理条例》", who="person"),
    T("GJJ", "住房公积金缴存证明出具", "public_service", 0, mats="@id_card:职工身份证", basis="《住房公积金管理条例》", who="person"),
    # ---- 县不动产登记中心 ----
    T("BDCDJ", "国有建设用地使用权首次登记", "confirmation", (30, 10), mats="不动产登记申请书|@id_card:申请人身份证明|土地出让价款缴纳凭证|不动产权籍调查表、宗地图|~土地出让合同", result="不动产权证书", lic="property", basis="《不动产登记暂行条例》第十四条；《不动产登记暂行条例实施细则》", fee=FEE_BDC),
    T("BDCDJ", "国有建设用地使用权及房屋所有权登记", "confirmation", (30, 5), variants=("首次登记", "变更登记", "注销登记"), mats="不动产登记申请书|@id_card:申请人身份证明|@property:不动产权属证书|房屋竣工验收材料|~房屋测绘报告", result="不动产权证书", lic="property", basis="《不动产登记暂行条例》第十四条", fee=FEE_BDC, intermediary=True),
    T("BDCDJ", "不动产转移登记", "confirmation", (30, 3), variants=("买卖", "继承", "赠与", "离婚析产"), mats="不动产登记申请书|@id_card:申请人身份证明|@property:不动产权属证书|转移原因证明材料|@tax_paid:完税凭证", result="不动产权证书", lic="property", basis="《不动产登记暂行条例》第十四条", fee=FEE_BDC, tags=("house",)),
    T("BDCDJ", "抵押权登记", "confirmation", (30, 3), variants=("首次登记", "变更登记", "注销登记"), mats="不动产登记申请书|@id_card:申请人身份证明|@property:不动产权属证书|主债权合同及抵押合同", result="不动产登记证明", basis="《中华人民共和国民法典》第四百零二条", fee=("每件80元。", "《国家发展改革委 财政部关于不动产登记收费标准等有关问题的通知》")),
    T("BDCDJ", "预告登记", "confirmation", (30, 3), variants=("预购商品房", "预购商品房抵押"), mats="不动产登记申请书|@id_card:申请人身份证明|已备案的商品房预售合同|~抵押合同", result="不动产登记证明", basis="《中华人民共和国民法典》第二百二十一条", fee=FEE_BDC),
    T("BDCDJ", "宅基地使用权及房屋所有权首次登记", "confirmation", (30, 10), mats="不动产登记申请书|@id_card:申请人身份证明|宅基地批准文件|房屋符合规划或建设的相关材料|不动产权籍调查表", result="不动产权证书", lic="property", basis="《不动产登记暂行条例实施细则》第四十一条", who="person", inspect=True),
    T("BDCDJ", "更正登记", "confirmation", (30, 10), mats="不动产登记申请书|@id_card:申请人身份证明|证实登记确有错误的材料", basis="《中华人民共和国民法典》第二百二十条"),
    T("BDCDJ", "异议登记", "confirmation", 1, mats="不动产登记申请书|@id_card:申请人身份证明|证实对登记的不动产权利有利害关系的材料", basis="《中华人民共和国民法典》第二百二十条"),
    T("BDCDJ", "查封登记", "confirmation", 0, mats="人民法院嘱托文书|送达人员工作证和执行公务证", basis="《不动产登记暂行条例实施细则》第九十条", who="organisation"),
    T("BDCDJ", "不动产权证书补证换证", "confirmation", (30, 7), variants=("补证", "换证"), mats="不动产登记申请书|@id_card:申请人身份证明|遗失声明或损坏的证书", result="不动产权证书", basis="《不动产登记暂行条例实施细则》第二十二条", fee=("每本10元。", "《国家发展改革委 财政部关于不动产登记收费标准等有关问题的通知》")),
    T("BDCDJ", "不动产登记资料查询", "public_service", 0, mats="不动产登记资料查询申请书|@id_card:查询人身份证明", basis="《不动产登记资料查询暂行办法》"),
    # ---- 县交通运输局 ----
    T("JTJ", "道路旅客运输经营许可", "licensing", (20, 10), variants=V4, mats="道路旅客运输经营申请表|@business_licence:营业执照|拟投入车辆承诺书|驾驶人员从业资格证|安全生产管理制度文本", result="道路运输经营许可证", basis="《中华人民共和国道路运输条例》第十条", who="organisation"),
    T("JTJ", "道路货物运输经营许可", "licensing", (20, 5), variants=V4, mats="道路货物运输经营申请表|@id_card:负责人身份证|车辆行驶证|驾驶人员从业资格证|安全生产管理制度文本", result="道路运输经营许可证", basis="《中华人民共和国道路运输条例》第二十四条"),
    T("JTJ", "道路运输从业人员从业资格证", "licensing", (10, 5), variants=("核发", "换发", "补发"), mats="从业资格申请表|@id_card:申请人身份证|机动车驾驶证|~无重大以上交通责任事故记录证明", result="道路运输从业资格证", basis="《中华人民共和国道路运输条例》第九条", who="person"),
    T("JTJ", "道路运输车辆营运证", "licensing", (5, 1), variants=("核发", "变更", "注销"), mats="营运证申请表|机动车行驶证|车辆技术等级评定报告", result="道路运输证", basis="《中华人民共和国道路运输条例》第二十四条"),
    T("JTJ", "机动车维修经营备案", "other_power", 0, mats="机动车维修经营备案表|@business_licence:营业执照|维修设备设施清单|技术人员从业资格证明", basis="《中华人民共和国道路运输条例》第四十条"),
    T("JTJ", "巡游出租汽车经营许可", "licensing", (20, 15), mats="巡游出租汽车经营申请表|@business_licence:营业执照|经营管理制度|办公场所及停车场地证明", basis="《巡游出租汽车经营服务管理规定》第八条", who="organisation"),
    T("JTJ", "超限运输车辆行驶公路许可", "licensing", (5, 2), mats="超限运输车辆通行申请表|车辆行驶证|货物情况说明|护送方案", basis="《中华人民共和国公路法》第五十条"),
    T("JTJ", "公路涉路施工许可", "licensing", (20, 10), mats="涉路施工申请书|设计和施工方案|保障公路安全的技术评价报告|处置施工险情和意外事故的应急方案", basis="《中华人民共和国公路法》第四十四条", who="organisation", inspect=True),
    T("JTJ", "机动车驾驶员培训经营备案", "other_power", 0, mats="驾驶员培训经营备案表|@business_licence:营业执照|教练车辆及教练员情况", basis="《中华人民共和国道路运输条例》第三十九条", who="organisation"),
    # ---- 县水利局 ----
    T("SLJ", "取水许可", "licensing", (45, 20), variants=V4, mats="取水许可申请书|建设项目水资源论证报告|与第三者利害关系的相关说明|~取水工程验收材料", result="取水许可证", lic="water_permit", basis="《中华人民共和国水法》第四十八条；《取水许可和水资源费征收管理条例》", who="organisation", inspect=True, intermediary=True),
    T("SLJ", "生产建设项目水土保持方案审批", "licensing", (20, 10), mats="水土保持方案审批申请|水土保持方案报告书（表）", basis="《中华人民共和国水土保持法》第二十五条", who="organisation", intermediary=True),
    T("SLJ", "河道管理范围内建设项目工程建设方案审批", "licensing", (20, 10), mats="河道管理范围内建设项目申请书|建设项目防洪评价报告|建设项目所依据的文件", basis="《中华人民共和国防洪法》第二十七条", who="organisation", inspect=True),
    T("SLJ", "洪水影响评价类审批", "licensing", (20, 15), mats="洪水影响评价报告|申请书|项目批准文件", basis="《中华人民共和国防洪法》第十七条", who="organisation", intermediary=True),
    T("SLJ", "水利基建项目初步设计文件审批", "licensing", (20, 15), mats="初步设计报告|项目审批文件", basis="《水利工程建设程序管理暂行规定》", who="organisation"),
    T("SLJ", "农村集体经济组织修建水库审批", "licensing", (20, 15), mats="修建水库申请书|工程设计文件|村民会议决议", basis="《中华人民共和国水法》第二十五条", who="organisation", reported=True),
    # ---- 县农业农村局 ----
    T("NYJ", "农药经营许可", "licensing", (20, 10), variants=V4, mats="农药经营许可证申请表|@business_licence:营业执照|经营人员农学相关专业学历证明|营业场所和仓储场所地址、面积、平面图|农药经营质量管理制度及岗位操作规程", result="农药经营许可证", basis="《农药管理条例》第二十四条", inspect=True),
    T("NYJ", "兽药经营许可", "licensing", (20, 10), variants=V4, mats="兽药经营许可证申请表|@business_licence:营业执照|兽医、药学专业技术人员证明|经营场所证明|质量管理制度", result="兽药经营许可证", basis="《兽药管理条例》第二十二条", inspect=True),
    T("NYJ", "动物防疫条件合格证核发", "licensing", (20, 10), variants=V3, mats="动物防疫条件审查申请表|场所地理位置图、各功能区布局平面图|设施设备清单|管理制度文本|人员情况", result="动物防疫条件合格证", basis="《中华人民共和国动物防疫法》第二十五条", inspect=True),
    T("NYJ", "农作物种子生产经营许可", "licensing", (20, 15), variants=V4, mats="种子生产经营许可证申请表|@business_licence:营业执照|种子检验仪器设备清单|种子生产地点检疫证明|品种审定证书", result="农作物种子生产经营许可证", basis="《中华人民共和国种子法》第三十一条", who="organisation", inspect=True),
    T("NYJ", "生鲜乳收购站许可", "licensing", (20, 15), mats="生鲜乳收购站许可申请表|@business_licence:营业执照|动物防疫条件合格证|收购站平面图", basis="《乳品质量安全监督管理条例》第二十条", who="organisation", inspect=True),
    T("NYJ", "拖拉机和联合收割机登记", "licensing", 1, mats="拖拉机和联合收割机登记申请表|@id_card:所有人身份证明|来历证明|出厂合格证明", basis="《中华人民共和国农业机械化促进法》"),
    T("NYJ", "拖拉机和联合收割机驾驶证核发", "licensing", (20, 5), mats="驾驶证申请表|@id_card:申请人身份证|身体条件证明", basis="《中华人民共和国道路交通安全法实施条例》", who="person"),
    T("NYJ", "农村宅基地用地审批", "licensing", (30, 20), mats="农村宅基地和建房（规划许可）申请表|@id_card:申请人身份证|@household:户口簿|村民小组会议记录|~宅基地使用承诺书", basis="《中华人民共和国土地管理法》第六十二条", who="person", joint=("ZRZY",)),
    T("NYJ", "渔业捕捞许可", "licensing", (20, 10), mats="渔业捕捞许可证申请书|渔业船舶检验证书|渔业船舶国籍证书", basis="《中华人民共和国渔业法》第二十三条"),
    T("NYJ", "动物诊疗许可", "licensing", (20, 10), variants=V3, mats="动物诊疗许可证申请表|动物诊疗场所使用权证明|执业兽医资格证书|诊疗设备清单", result="动物诊疗许可证", basis="《中华人民共和国动物防疫法》第六十一条", inspect=True),
    T("NYJ", "农机购置补贴", "payment", (20, 15), mats="农机购置补贴申请表|@id_card:购机者身份证|购机发票|~机具铭牌照片", basis="《农业机械购置补贴实施指导意见》", inspect=True),
    T("NYJ", "耕地地力保护补贴", "payment", (30, 20), mats="耕地地力保护补贴申报表|@id_card:承包户身份证|土地承包经营权证", basis="《关于全面推开农业“三项补贴”改革工作的通知》", who="person"),
    T("NYJ", "乡村兽医登记", "other_power", (15, 10), mats="乡村兽医登记申请表|@id_card:申请人身份证|学历证明或培训合格证明", basis="《乡村兽医管理办法》", who="person"),
    # ---- 县生态环境分局 ----
    T("SHJ", "建设项目环境影响报告书审批", "licensing", (60, 20), mats="建设项目环境影响报告书|审批申请|~公众参与说明", result="环境影响报告书批复", basis="《中华人民共和国环境影响评价法》第二十二条", who="organisation", intermediary=True),
    T("SHJ", "建设项目环境影响报告表审批", "licensing", (30, 10), mats="建设项目环境影响报告表|审批申请", result="环境影响报告表批复", basis="《中华人民共和国环境影响评价法》第二十二条", who="organisation", intermediary=True, tags=("restaurant",)),
    T("SHJ", "排污许可", "licensing", (20, 10), variants=("核发", "变更", "延续", "注销"), mats="排污许可证申请表|@business_licence:营业执照|自行监测方案|~污染防治设施说明", result="排污许可证", basis="《排污许可管理条例》第十一条", who="organisation"),
    T("SHJ", "辐射安全许可", "licensing", (20, 15), variants=V3, mats="辐射安全许可证申请表|@business_licence:营业执照|辐射安全管理制度|辐射工作人员培训证明", result="辐射安全许可证", basis="《放射性同位素与射线装置安全和防护条例》第七条", who="organisation", inspect=True),
    T("SHJ", "建设项目环境影响登记表备案", "other_power", 0, mats="建设项目环境影响登记表", basis="《中华人民共和国环境影响评价法》第二十二条", who="organisation"),
    # ---- 县应急管理局 ----
    T("YJJ", "危险化学品经营许可", "licensing", (30, 15), variants=V4, mats="危险化学品经营许可证申请书|@business_licence:营业执照|经营和储存场所安全评价报告|主要负责人、安全管理人员安全生产知识和管理能力考核合格证明|安全生产管理制度", result="危险化学品经营许可证", basis="《危险化学品安全管理条例》第三十三条", who="organisation", inspect=True, intermediary=True),
    T("YJJ", "烟花爆竹经营（零售）许可", "licensing", (20, 10), variants=V4, mats="烟花爆竹经营（零售）许可证申请书|@business_licence:营业执照|零售场所平面布置图|~主要负责人安全培训合格证明", result="烟花爆竹经营（零售）许可证", basis="《烟花爆竹安全管理条例》第十九条", inspect=True),
    T("YJJ", "非煤矿山建设项目安全设施设计审查", "licensing", (30, 20), mats="安全设施设计审查申请书|安全设施设计|安全预评价报告", basis="《中华人民共和国安全生产法》第三十四条", who="organisation", intermediary=True),
    T("YJJ", "生产安全事故应急预案备案", "other_power", 0, mats="应急预案备案申报表|应急预案评审意见|应急预案电子文档", basis="《生产安全事故应急预案管理办法》第二十六条", who="organisation"),
    # ---- 县气象局 ----
    T("QXJ", "防雷装置设计审核", "licensing", (20, 5), mats="防雷装置设计审核申请书|防雷装置设计说明书和设计图纸|设计单位资质证明", result="防雷装置设计核准意见书", basis="《气象灾害防御条例》第二十三条", who="organisation", intermediary=True),
    T("QXJ", "防雷装置竣工验收", "licensing", (10, 5), mats="防雷装置竣工验收申请书|防雷装置竣工图纸|防雷装置检测报告", result="防雷装置验收意见书", basis="《气象灾害防御条例》第二十三条", who="organisation", inspect=True, intermediary=True),
    T("QXJ", "升放无人驾驶自由气球或系留气球活动审批", "licensing", (5, 3), mats="升放气球活动申请表|升放气球资质证|作业人员资格证", basis="《通用航空飞行管制条例》第三十五条", who="organisation"),
    T("QXJ", "雷电灾害风险评估", "public_service", (10, 7), mats="雷电灾害风险评估委托书|项目资料", basis="《气象灾害防御条例》", who="organisation", intermediary=True),
    # ---- 县地震局 ----
    T("DZJ", "建设工程抗震设防要求确定", "licensing", (20, 10), mats="抗震设防要求确定申请表|建设工程项目批准文件|项目位置图", basis="《中华人民共和国防震减灾法》第三十五条", who="organisation"),
    T("DZJ", "建设工程地震安全性评价结果审查", "licensing", (15, 10), mats="地震安全性评价报告|审查申请", basis="《地震安全性评价管理条例》", who="organisation", intermediary=True),
    # ---- 县人防办 ----
    T("RFB", "人防工程建设审查（结合民用建筑修建防空地下室审批）", "licensing", (20, 10), mats="防空地下室建设审批申请表|建设工程规划许可证|防空地下室设计图纸", basis="《中华人民共和国人民防空法》第二十二条", who="organisation"),
    T("RFB", "防空地下室易地建设审批", "levy", (20, 10), mats="易地建设申请表|不宜修建防空地下室的情况说明|@project_plan:建设工程规划许可证", basis="《中华人民共和国人民防空法》第二十二条", who="organisation", fee=FEE_RF),
    T("RFB", "人防工程竣工验收备案", "other_power", (15, 5), mats="人防工程竣工验收备案表|竣工验收报告|竣工图纸", basis="《人民防空工程建设管理规定》", who="organisation"),
    T("RFB", "拆除人民防空工程审批", "licensing", (20, 15), mats="拆除人防工程申请书|人防工程情况说明|补建方案", basis="《中华人民共和国人民防空法》第二十八条", who="organisation", inspect=True),
    # ---- 县消防救援大队 ----
    T("XFJY", "公众聚集场所投入使用、营业前消防安全检查", "licensing", (10, 5), mats="公众聚集场所投入使用、营业消防安全检查申报表|@business_licence:营业执照|消防安全制度|灭火和应急疏散预案", result="公众聚集场所投入使用、营业前消防安全检查合格证", basis="《中华人民共和国消防法》第十五条", inspect=True, tags=("restaurant",)),
    T("XFJY", "大型群众性活动消防安全检查", "other_power", (5, 3), mats="大型群众性活动消防安全检查申请|活动方案|消防安全保卫方案", basis="《中华人民共和国消防法》第二十条", who="organisation", inspect=True),
    # ---- 县文化和旅游局 ----
    T("WLJ", "娱乐场所经营许可", "licensing", (20, 15), variants=V4, mats="娱乐场所经营活动申请表|@business_licence:营业执照|@id_card:法定代表人身份证明|场所平面示意图|~环境保护意见", result="娱乐经营许可证", basis="《娱乐场所管理条例》第九条", who="organisation", inspect=True),
    T("WLJ", "互联网上网服务营业场所经营许可", "licensing", (20, 15), variants=V4, mats="互联网上网服务营业场所经营单位申请表|@business_licence:营业执照|营业场所产权证明或租赁意向书|@id_card:法定代表人身份证", result="网络文化经营许可证", basis="《互联网上网服务营业场所管理条例》第十条", who="organisation", inspect=True),
    T("WLJ", "营业性演出审批", "licensing", (3, 3), mats="营业性演出申请表|演出节目内容材料|演员名单|场地使用协议", basis="《营业性演出管理条例》第十三条", who="organisation"),
    T("WLJ", "出版物零售单位设立", "licensing", (20, 10), variants=("设立", "变更", "注销"), mats="出版物零售经营申请表|@business_licence:营业执照|经营场所使用证明", result="出版物经营许可证", basis="《出版管理条例》第三十七条"),
    T("WLJ", "印刷经营许可", "licensing", (20, 15), variants=("设立", "变更", "注销"), mats="印刷经营活动申请表|@business_licence:营业执照|生产设备清单|经营场所证明", result="印刷经营许可证", basis="《印刷业管理条例》第九条", who="organisation", inspect=True),
    T("WLJ", "文物保护单位建设控制地带内建设工程设计方案审批", "licensing", (20, 15), mats="建设工程设计方案|文物影响评估报告|申请书", basis="《中华人民共和国文物保护法》第十八条", who="organisation", reported=True),
    T("WLJ", "卫星电视广播地面接收设施安装许可", "licensing", (20, 10), mats="安装卫星电视广播地面接收设施申请表|@business_licence:营业执照", basis="《卫星电视广播地面接收设施管理规定》", who="organisation", reported=True),
    # ---- 县教育和体育局 ----
    T("JTYJ", "民办学校设立", "licensing", (90, 30), variants=("设立", "变更", "终止"), mats="民办学校申办报告|举办者资格证明|资产来源、资金数额及有效证明文件|办学场所证明|学校章程和首届董事会组成人员名单", basis="《中华人民共和国民办教育促进法》第十二条", inspect=True),
    T("JTYJ", "教师资格认定", "licensing", (30, 20), mats="教师资格认定申请表|@id_card:申请人身份证|学历证书|普通话水平测试等级证书|体检合格证明", result="教师资格证书", basis="《中华人民共和国教师法》第十三条；《教师资格条例》", who="person"),
    T("JTYJ", "校车使用许可", "licensing", (20, 10), mats="校车使用许可申请表|机动车行驶证|校车驾驶人驾驶资格证明|校车运行方案|校车安全管理制度", basis="《校车安全管理条例》第十四条", who="organisation", joint=("JTJ", "JGDD")),
    T("JTYJ", "高危险性体育项目经营许可", "licensing", (30, 20), variants=V3, mats="高危险性体育项目经营申请表|@business_licence:营业执照|体育场所设施符合标准的证明|社会体育指导人员和救助人员职业资格证明", basis="《全民健身条例》第三十二条", who="organisation", inspect=True),
    T("JTYJ", "义务教育阶段入学登记", "public_service", 0, mats="入学登记表|@household:户口簿|@property:房产证明或居住证", basis="《中华人民共和国义务教育法》第十二条", who="person"),
    T("JTYJ", "学生资助申请", "payment", (20, 15), mats="学生资助申请表|@id_card:学生身份证|家庭经济困难认定材料", basis="《学生资助资金管理办法》", who="person"),
    T("JTYJ", "教师资格证书补发换发", "public_service", (20, 10), mats="补发换发教师资格证书申请表|@id_card:申请人身份证|遗失声明", basis="《教师资格条例实施办法》", who="person"),
    # ---- 县林业局 ----
    T("LYJ", "林木采伐许可证核发", "licensing", (20, 5), variants=("一般采伐", "更新采伐"), mats="林木采伐申请书|@forest_right:林权证或林地使用证明|伐区调查设计文件|~更新造林承诺", result="林木采伐许可证", basis="《中华人民共和国森林法》第五十六条", inspect=True),
    T("LYJ", "使用林地审核", "licensing", (20, 15), mats="使用林地申请表|用地单位资质证明|建设项目有关批准文件|使用林地可行性报告", basis="《中华人民共和国森林法》第三十七条", who="organisation", reported=True, intermediary=True),
    T("LYJ", "临时占用林地审批", "licensing", (20, 15), mats="临时占用林地申请表|临时占用林地恢复方案", basis="《中华人民共和国森林法》第三十八条", inspect=True),
    T("LYJ", "林草种子生产经营许可", "licensing", (20, 15), mats="林草种子生产经营许可申请表|@business_licence:营业执照|种子检验设备清单", basis="《中华人民共和国种子法》第三十一条", who="organisation"),
    T("LYJ", "野生动物人工繁育许可", "licensing", (20, 15), mats="人工繁育许可申请书|繁育场所证明|种源来源证明", basis="《中华人民共和国野生动物保护法》第二十五条", reported=True, inspect=True),
    T("LYJ", "古树名木移植审批", "licensing", (20, 15), mats="古树名木移植申请书|移植方案", basis="《城市绿化条例》", who="organisation", inspect=True),
    # ---- 县城市管理局 ----
    T("CGJ", "城市建筑垃圾处置核准", "licensing", (20, 5), mats="建筑垃圾处置核准申请表|建筑垃圾处置方案|运输车辆清单", basis="《国务院对确需保留的行政审批项目设定行政许可的决定》第101项", who="organisation"),
    T("CGJ", "户外广告设施设置审批", "licensing", (20, 5), mats="户外广告设施设置申请表|@business_licence:营业执照|设置效果图|~场地使用证明", basis="《城市市容和环境卫生管理条例》第十一条", tags=("restaurant",)),
    T("CGJ", "临时占用城市道路审批", "licensing", (10, 5), mats="占用城市道路申请表|占道位置示意图", basis="《城市道路管理条例》第三十一条"),
    T("CGJ", "挖掘城市道路审批", "licensing", (10, 5), mats="挖掘城市道路申请表|施工方案|道路恢复承诺", basis="《城市道路管理条例》第三十条", who="organisation", joint=("JGDD",)),
    T("CGJ", "砍伐、迁移城市树木审批", "licensing", (10, 5), mats="砍伐、迁移城市树木申请书|树木位置图", basis="《城市绿化条例》第二十条", inspect=True),
    T("CGJ", "从事城市生活垃圾经营性清扫、收集、运输服务审批", "licensing", (20, 15), mats="生活垃圾经营性服务申请书|@business_licence:营业执照|运输车辆证明|管理制度", basis="《城市生活垃圾管理办法》第十七条", who="organisation"),
    T("CGJ", "临时占用城市绿地审批", "licensing", (10, 5), mats="临时占用城市绿地申请书|占用绿地位置图|恢复方案", basis="《城市绿化条例》第十九条", who="organisation"),
    # ---- 县退役军人事务局 ----
    T("TYJR", "退役士兵安置", "other_power", (30, 20), mats="退役士兵安置申请表|退出现役证|@household:户口簿", basis="《退役士兵安置条例》", who="person"),
    T("TYJR", "优抚对象抚恤补助金发放", "payment", (20, 10), mats="优抚对象抚恤补助申请表|@id_card:优抚对象身份证|优抚证件", basis="《军人抚恤优待条例》", who="person"),
    T("TYJR", "烈士褒扬金发放", "payment", (20, 10), mats="烈士褒扬金申请表|烈士证明书|遗属身份证明", basis="《烈士褒扬条例》", who="person"),
    T("TYJR", "残疾等级评定", "confirmation", (60, 40), mats="评残申请表|@id_card:申请人身份证|致残经过证明|医疗诊断证明", basis="《军人抚恤优待条例》第二十四条", who="person", reported=True),
    T("TYJR", "退役军人优待证申领", "public_service", (20, 10), mats="优待证申请表|@id_card:申请人身份证|退役证件", basis="《退役军人保障法》", who="person"),
    T("TYJR", "参战参试退役人员身份认定", "confirmation", (30, 20), mats="身份认定申请表|档案材料", basis="《关于做好部分退役士兵生活困难问题的通知》", who="person"),
    # ---- 县残联 ----
    T("CL", "残疾人证", "confirmation", (30, 10), variants=("新办", "换领", "迁移", "注销"), mats="残疾人证申请表|@id_card:申请人身份证|@household:户口簿|近期2寸免冠照片", result="中华人民共和国残疾人证", lic="disability", basis="《中华人民共和国残疾人保障法》；《中华人民共和国残疾人证管理办法》", who="person", inspect=True),
    T("CL", "残疾儿童康复救助", "payment", (20, 10), mats="残疾儿童康复救助申请表|@household:户口簿|医疗机构诊断证明", basis="《国务院关于建立残疾儿童康复救助制度的意见》", who="person"),
    T("CL", "残疾人辅助器具适配补贴", "payment", (20, 10), mats="辅助器具适配申请表|@disability:残疾人证", basis="《中华人民共和国残疾人保障法》", who="person"),
    # ---- 县烟草专卖局 ----
    T("YCJ", "烟草专卖零售许可", "licensing", (20, 10), variants=("新办", "变更", "延续", "停业", "注销"), mats="烟草专卖零售许可证申请表|@business_licence:营业执照|@id_card:经营者身份证|经营场所使用证明", result="烟草专卖零售许可证", basis="《中华人民共和国烟草专卖法》第十六条；《烟草专卖许可证管理办法》", inspect=True),
    # ---- 县司法局 ----
    T("SFJ", "法律援助申请", "public_service", (7, 7), mats="法律援助申请表|@id_card:申请人身份证|经济困难状况说明表|与所申请法律援助事项有关的材料", basis="《中华人民共和国法律援助法》第四十一条", who="person"),
    T("SFJ", "人民调解", "public_service", 0, mats="人民调解申请书|@id_card:当事人身份证", basis="《中华人民共和国人民调解法》"),
    T("SFJ", "基层法律服务工作者执业核准", "licensing", (20, 15), mats="执业核准申请表|@id_card:申请人身份证|学历证明|基层法律服务所同意接收证明", basis="《基层法律服务工作者管理办法》", who="person", reported=True),
    # ---- 县财政局 ----
    T("CZJ", "政府采购供应商投诉处理", "adjudication", (30, 30), mats="投诉书|质疑及答复材料|证据材料", basis="《中华人民共和国政府采购法》第五十五条", who="organisation"),
    T("CZJ", "会计人员信息采集", "public_service", 0, mats="会计人员信息采集表|@id_card:本人身份证|学历证书", basis="《会计人员管理办法》", who="person"),
    # ---- 县工业和信息化局 ----
    T("GXJ", "企业技术改造项目备案", "other_power", 0, mats="技术改造项目备案表|@business_licence:营业执照", basis="《企业投资项目核准和备案管理条例》", who="organisation"),
    T("GXJ", "无线电台（站）设置审批", "licensing", (20, 15), mats="无线电台（站）设置申请表|技术资料", basis="《中华人民共和国无线电管理条例》第二十七条", who="organisation", reported=True),
    # ---- 县商务局 ----
    T("SWUJ", "对外贸易经营者备案", "other_power", 0, mats="对外贸易经营者备案登记表|@business_licence:营业执照", basis="《中华人民共和国对外贸易法》第九条", who="organisation"),
    T("SWUJ", "成品油零售经营资格审核", "licensing", (20, 15), mats="成品油零售经营申请|@business_licence:营业执照|加油站规划确认文件|安全评价报告", basis="《成品油市场管理办法》", who="organisation", reported=True),
    T("SWUJ", "单用途商业预付卡备案", "other_power", 0, mats="单用途商业预付卡备案表|@business_licence:营业执照", basis="《单用途商业预付卡管理办法（试行）》", who="organisation"),
    T("SWUJ", "二手车交易市场经营者备案", "other_power", 0, mats="二手车交易市场备案表|@business_licence:营业执照", basis="《二手车流通管理办法》", who="organisation"),
    # ---- 县科学技术局 ----
    T("KJJ", "科技型中小企业评价", "confirmation", (20, 15), mats="科技型中小企业信息表|@business_licence:营业执照|知识产权证明", basis="《科技型中小企业评价办法》", who="organisation", reported=True),
    T("KJJ", "高新技术企业认定推荐", "other_power", (20, 15), mats="高新技术企业认定申请书|知识产权相关材料|研究开发活动说明|审计报告", basis="《高新技术企业认定管理办法》", who="organisation", reported=True, intermediary=True),
    # ---- 县统计局 ----
    T("TJJ", "统计调查项目审批", "licensing", (20, 15), mats="统计调查项目审批申请表|统计调查制度", basis="《中华人民共和国统计法》第十七条", who="organisation"),
    # ---- 县档案馆 ----
    T("DAG", "档案查询利用", "public_service", 0, mats="档案查阅申请表|@id_card:查阅人身份证", basis="《中华人民共和国档案法》第二十八条"),
    T("DAG", "婚姻档案查询", "public_service", 0, mats="婚姻档案查询申请|@id_card:当事人身份证", basis="《婚姻登记档案管理办法》", who="person"),
    # ---- 县民族宗教事务局 ----
    T("MZZJ", "宗教活动场所登记", "licensing", (30, 20), mats="宗教活动场所登记申请表|筹备设立批准文件|场所管理组织成员名单|房屋使用证明", basis="《宗教事务条例》第二十三条", who="organisation", inspect=True),
    T("MZZJ", "宗教临时活动地点审批", "licensing", (20, 15), mats="临时活动地点申请书|场所使用证明|活动负责人情况", basis="《宗教事务条例》第三十五条", who="organisation"),
    # ---- 县红十字会 ----
    T("HSH", "人体器官捐献登记", "public_service", 0, mats="人体器官捐献登记表|@id_card:登记人身份证", basis="《人体器官捐献和移植条例》", who="person"),
    T("HSH", "造血干细胞捐献登记", "public_service", 0, mats="造血干细胞捐献志愿者登记表|@id_card:登记人身份证", basis="《中华人民共和国红十字会法》", who="person"),
    # ---- 县总工会 ----
    T("ZGH", "困难职工帮扶救助", "public_service", (20, 10), mats="困难职工帮扶申请表|@id_card:申请人身份证|家庭困难情况证明", basis="《中华人民共和国工会法》", who="person"),
    # ---- 县妇联 ----
    T("FL", "妇女儿童权益维护投诉受理", "public_service", (15, 10), mats="投诉书|@id_card:投诉人身份证", basis="《中华人民共和国妇女权益保障法》", who="person"),
    # ---- 国网安和县供电公司 ----
    T("GDGS", "低压居民用电报装", "public_service", (5, 3), mats="用电报装申请|@id_card:户主身份证|@property:房屋产权证明", basis="《供电营业规则》", who="person", tags=("house",)),
    T("GDGS", "高压用电报装", "public_service", (20, 15), mats="高压用电报装申请|@business_licence:营业执照|用电设备清单|用电地址产权证明", basis="《供电营业规则》", who="organisation"),
    T("GDGS", "电力过户", "public_service", 1, mats="过户申请|@id_card:新户主身份证|@property:不动产权证书", basis="《供电营业规则》", tags=("house",)),
    T("GDGS", "用电增容", "public_service", (15, 10), mats="增容申请|@id_card:户主身份证|用电设备清单", basis="《供电营业规则》"),
    # ---- 县自来水公司 ----
    T("GSGS", "供水报装", "public_service", (10, 5), mats="供水报装申请|@id_card:申请人身份证|@property:房屋产权证明", basis="《城市供水条例》"),
    T("GSGS", "供水过户", "public_service", 1, mats="供水过户申请|@id_card:新户主身份证|@property:不动产权证书", basis="《城市供水条例》", tags=("house",)),
    # ---- 县燃气公司 ----
    T("RQGS", "燃气报装", "public_service", (10, 5), mats="燃气报装申请|@id_card:申请人身份证|@property:房屋产权证明", basis="《城镇燃气管理条例》", tags=("restaurant",)),
    T("RQGS", "燃气过户", "public_service", 1, mats="燃气过户申请|@id_card:新户主身份证|@property:不动产权证书", basis="《城镇燃气管理条例》", tags=("house",)),
    # ---- 中国邮政安和县分公司 ----
    T("YZGS", "政务文书寄递服务", "public_service", 0, mats="寄递服务单", basis="《中华人民共和国邮政法》"),
    # ---- 县公证处 ----
    T("GZC", "公证", "public_service", (15, 5), variants=("继承", "委托", "学历", "出生"), mats="公证申请表|@id_card:申请人身份证|与公证事项有关的证明材料", result="公证书", basis="《中华人民共和国公证法》第二十五条", fee=("按《山东省公证服务收费标准》收取，继承类按受益额分段累进。", "《山东省公证服务收费管理办法》"), intermediary=True),
    # ---- 县房产测绘所 ----
    T("FCCH", "房产测绘", "public_service", (10, 7), mats="房产测绘委托书|@property:权属来源证明|建筑施工图", result="房产测绘报告", basis="《房产测绘管理办法》", fee=("按《山东省房产测绘收费标准》执行。", "《测绘生产成本费用定额》"), intermediary=True),
    T("FCCH", "宗地测绘", "public_service", (10, 7), mats="宗地测绘委托书|权属来源证明", result="宗地图", basis="《不动产权籍调查技术方案》", fee=("按测绘面积计费。", "《测绘生产成本费用定额》"), intermediary=True),
    # ---- 县施工图审查中心 ----
    T("TSZX", "施工图设计文件审查", "public_service", (15, 10), mats="施工图审查申请|施工图设计文件|勘察成果文件", result="施工图审查合格书", basis="《房屋建筑和市政基础设施工程施工图设计文件审查管理办法》", who="organisation", intermediary=True),
    # ---- 县12345政务服务便民热线中心 ----
    T("RXZX", "12345热线工单承办", "public_service", (5, 5), mats="12345热线工单", basis="《国务院办公厅关于进一步优化地方政务服务便民热线的指导意见》（国办发〔2020〕53号）"),
]
# fmt: on

# "一件事" bundles: (code, name, description, [(department, base item name, variant or "")]).
BUNDLES = [
    (
        "BUNDLE-KDCY",
        "我要开餐馆",
        "营业执照、食品经营许可、消防安全检查、排水许可、户外招牌一次申请，一表填报，并联审批。",
        [
            ("SCJG", "个体工商户登记", "设立登记"),
            ("SCJG", "食品经营许可", "新办"),
            ("XFJY", "公众聚集场所投入使用、营业前消防安全检查", ""),
            ("ZJJ", "城镇污水排入排水管网许可", "新办"),
            ("CGJ", "户外广告设施设置审批", ""),
        ],
    ),
    (
        "BUNDLE-KYD",
        "我要开药店",
        "营业执照、药品经营许可、医疗器械经营备案、医保定点一次办。",
        [
            ("SCJG", "有限责任公司登记", "设立登记"),
            ("SCJG", "药品零售企业许可", "新办"),
            ("SCJG", "第二类医疗器械经营备案", "备案"),
            ("YBJ", "定点医药机构申请", ""),
        ],
    ),
    (
        "BUNDLE-XSECS",
        "新生儿出生一件事",
        "出生医学证明、户口登记、医保参保、社保卡申领一次办。",
        [
            ("WJJ", "出生医学证明签发", "首次签发"),
            ("GAJ", "出生登记", ""),
            ("YBJ", "基本医疗保险参保登记", "城乡居民"),
            ("SWJ", "城乡居民基本医疗保险费缴纳", ""),
            ("SBZX", "社会保障卡申领", "申领"),
            ("WJJ", "生育登记", ""),
        ],
    ),
    (
        "BUNDLE-QYKB",
        "企业开办一件事",
        "营业执照、公章刻制、发票申领、社保登记、公积金缴存登记一日办结。",
        [
            ("SCJG", "企业名称自主申报", ""),
            ("SCJG", "有限责任公司登记", "设立登记"),
            ("GAJ", "公章刻制备案", ""),
            ("SWJ", "税务登记信息确认", ""),
            ("SWJ", "发票领用", ""),
            ("SBZX", "企业职工基本养老保险参保登记", ""),
            ("GJJ", "住房公积金单位缴存登记", ""),
        ],
    ),
    (
        "BUNDLE-TX",
        "退休一件事",
        "养老保险待遇申领、医保退休待遇核定、公积金退休提取一次办。",
        [
            ("SBZX", "企业职工基本养老保险待遇申领", ""),
            ("YBJ", "职工退休医疗保险待遇核定", ""),
            ("GJJ", "住房公积金提取", "离休退休"),
        ],
    ),
    (
        "BUNDLE-ESF",
        "二手房买卖及水电气过户一件事",
        "网签、缴税、转移登记、户口迁入、水电气过户一窗受理。",
        [
            ("ZJJ", "房屋交易合同网签备案", "存量房"),
            ("SWJ", "存量房交易税费申报", ""),
            ("BDCDJ", "不动产转移登记", "买卖"),
            ("GDGS", "电力过户", ""),
            ("GSGS", "供水过户", ""),
            ("RQGS", "燃气过户", ""),
        ],
    ),
    (
        "BUNDLE-JZGC",
        "建筑工程施工许可一件事",
        "规划许可、施工图审查、施工许可并联办理，联合审图。",
        [
            ("ZRZY", "建设工程规划许可证核发", "新办"),
            ("TSZX", "施工图设计文件审查", ""),
            ("ZJJ", "建设工程消防设计审查", ""),
            ("RFB", "人防工程建设审查（结合民用建筑修建防空地下室审批）", ""),
            ("ZJJ", "建筑工程施工许可证核发", "新办"),
        ],
    ),
]

// The categories (事项类别) every new county starts with: what cadres pick when they register a matter and what Open311 lists as services.

/** One extra field a category asks for, in Open311's attribute vocabulary (GeoReport v2 service definition). */
export interface CategoryAttribute {
  code: string;
  datatype: 'string' | 'number' | 'datetime' | 'text' | 'singlevaluelist' | 'multivaluelist';
  required: boolean;
  /** Chinese question shown to whoever fills it in. */
  description: string;
  order: number;
  /** For the list datatypes: allowed keys with their Chinese names. */
  values?: Array<{ key: string; name: string }>;
}

export interface CategoryDefinition {
  code: string;
  name: { zh: string; en: string };
  /** Chinese description for the people who pick it. */
  description: string;
  /** Chinese heading the category is listed under. */
  group: string;
  keywords: string[];
  attributes: CategoryAttribute[];
}

/** How much a household asks for (rams, saplings, subsidy forms): common problems add the quantities up. */
const QUANTITY: CategoryAttribute = { code: 'quantity', datatype: 'number', required: false, description: '申请数量（如种羊只数、树苗株数）', order: 1 };

export const DEFAULT_CATEGORIES: readonly CategoryDefinition[] = [
  { code: 'household_registration', name: { zh: '户籍办理', en: 'Household registration' }, description: '新生儿落户、迁移、身份证办理等', group: '证照办理', keywords: ['落户', '户口', '身份证'], attributes: [] },
  { code: 'social_insurance', name: { zh: '社保医保', en: 'Social and medical insurance' }, description: '城乡居民医保、养老保险参保缴费与待遇', group: '社会保障', keywords: ['医保', '养老', '参保'], attributes: [] },
  { code: 'subsidy', name: { zh: '救助补贴', en: 'Assistance and subsidies' }, description: '低保、临时救助、各类补贴申请', group: '社会保障', keywords: ['低保', '救助', '补贴'], attributes: [QUANTITY] },
  { code: 'agriculture', name: { zh: '农业生产', en: 'Farming and livestock' }, description: '种养殖、农资、疫病、产业扶持', group: '产业发展', keywords: ['种羊', '仔猪', '农资', '产业'], attributes: [QUANTITY] },
  { code: 'water', name: { zh: '饮水水利', en: 'Drinking water and irrigation' }, description: '饮水管道、水窖、灌溉沟渠', group: '基础设施', keywords: ['饮水', '水管', '沟渠', '灌溉'], attributes: [] },
  { code: 'infrastructure', name: { zh: '道路设施', en: 'Roads and facilities' }, description: '通组公路、桥梁、路灯、减速带', group: '基础设施', keywords: ['道路', '塌方', '路灯'], attributes: [] },
  { code: 'land', name: { zh: '土地林地', en: 'Land and forest' }, description: '承包地、宅基地、林地确权与纠纷', group: '土地资源', keywords: ['承包地', '宅基地', '林地'], attributes: [] },
  { code: 'housing', name: { zh: '住房安全', en: 'Housing safety' }, description: '危房改造、房屋安全隐患', group: '基础设施', keywords: ['危房', '房屋'], attributes: [] },
  { code: 'medical', name: { zh: '医疗卫生', en: 'Health care' }, description: '就医、慢病报销、家庭医生签约', group: '社会保障', keywords: ['就医', '报销', '慢病'], attributes: [] },
  { code: 'education', name: { zh: '教育', en: 'Education' }, description: '入学、资助、留守儿童', group: '民生服务', keywords: ['入学', '助学', '留守儿童'], attributes: [] },
  { code: 'employment', name: { zh: '就业务工', en: 'Jobs and migrant work' }, description: '务工信息、技能培训、欠薪', group: '民生服务', keywords: ['务工', '培训', '欠薪'], attributes: [] },
  { code: 'dispute', name: { zh: '矛盾纠纷', en: 'Disputes' }, description: '邻里、家庭、土地纠纷调解', group: '平安建设', keywords: ['纠纷', '调解'], attributes: [] },
  { code: 'environment', name: { zh: '人居环境', en: 'Living environment' }, description: '垃圾清运、厕所改造、污水', group: '基础设施', keywords: ['垃圾', '厕所', '污水'], attributes: [] },
  { code: 'other', name: { zh: '其他', en: 'Other' }, description: '以上类别之外的诉求', group: '其他', keywords: [], attributes: [] },
];

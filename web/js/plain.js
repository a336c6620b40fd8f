// 通俗说明: the domain's words in everyday language, for 关怀模式 (the 适老化 guidance asks
// government sites to say things plainly for the elderly). plain(term) is a span shown beside the
// term only while 关怀模式 is on (site.css), so every page keeps one text in both modes.
import { el } from './common.js';

const PLAIN = {
  // items
  即办件: '当场就能办完',
  承诺件: '受理后在答应的时间内办完',
  承诺办结时限: '最晚多久办完',
  法定办结时限: '法律规定最长可以办多久',
  到办事现场次数: '需要本人到大厅几次',
  网上办理深度: '在网上能办到哪一步',
  'Ⅰ级（网上咨询）': '网上只能问问，要到大厅办',
  'Ⅱ级（网上预审）': '网上先看材料，还要到大厅办',
  'Ⅲ级（网上受理）': '网上提交，还要到大厅一次',
  'Ⅳ级（全程网办）': '在网上就能办完，不用跑腿',
  申请材料: '需要带或上传的东西',
  // a case's states
  已提交: '申请已交上，等窗口收下',
  待补正: '材料不全，请按要求补上',
  审查中: '窗口已收下，正在办理',
  退回补充: '请补充材料后再交',
  特别程序中: '需要专家评审或现场查看，时间暂停计算',
  准予许可: '批准了',
  不予许可: '没有批准，通知书写了原因',
  不予受理: '不能受理，通知书写了原因',
  已撤回: '您已撤回申请',
  补正逾期: '没有按时补交材料，申请已结束',
  已送达: '结果已交给您',
  办结: '全部办完了',
};

export function plain(term) {
  return PLAIN[term] ? el('span', { class: 'plain' }, `（${PLAIN[term]}）`) : null;
}

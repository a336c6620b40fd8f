// What the 双随机 pages share: department names, result and class labels.
import { api } from './api.js';

let names = null;
// code → the department's name (loaded once).
export async function departmentNames() {
  names ||= api('GET', '/departments').then((d) => Object.fromEntries(d.departments.map((x) => [x.code, x.name])));
  return names;
}
export const joinDepartments = (codes, n) => codes.map((c) => n[c] || c).join('、');
export const CLASSES = { A: 'A类（信用风险低）', B: 'B类（信用风险一般）', C: 'C类（信用风险较高）', D: 'D类（信用风险高）' };
export const PLAN_STATES = { draft: '草拟', committed: '已公布承诺', drawn: '已抽签', cancelled: '已取消' };
export const TASK_STATES = { assigned: '待检查', inspected: '待公示', published: '已公示' };
export const RESULTS = { pass: '合格', 'no-problem': '未发现问题', rectify: '发现问题已责令整改', 'not-disclosed': '未按规定公示应当公示的信息', refused: '不配合检查', 'not-found': '查无下落', referred: '发现问题待后续处理' };
export const MINOR_KINDS = { 'no-penalty': '不予处罚', light: '从轻处罚', ordinary: '依法处罚' };

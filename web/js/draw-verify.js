// A draw record (yichuang-draw/1) recomputed from the record alone, as docs/draw.md
// writes the algorithm: written from that page, not from the server's C, so that the
// public page checks the server with a second implementation. sm3 is sm-crypto's
// (a string as UTF-8, or bytes → 64 hex digits); nothing else is needed, and nothing
// is sent anywhere.

const hexBytes = (hex) => Uint8Array.from(hex.match(/../g).map((h) => parseInt(h, 16)));

// The stream (§3): blocks SM3(seed ‖ be64(i)), read 8 bytes at a time, big-endian.
function stream(sm3, seedHex) {
  const seed = hexBytes(seedHex);
  let block = 0n;
  let buf = [];
  const next64 = () => {
    if (buf.length === 0) {
      const input = new Uint8Array(40);
      input.set(seed);
      new DataView(input.buffer).setBigUint64(32, block++);
      const d = hexBytes(sm3(input));
      buf = [0, 8, 16, 24].map((o) => new DataView(d.buffer).getBigUint64(o));
    }
    return buf.shift();
  };
  const uniform = (n) => {
    if (n <= 1) return 0;
    const N = BigInt(n);
    const limit = 2n ** 64n - (2n ** 64n % N);
    for (;;) {
      const u = next64();
      if (u < limit) return Number(u % N);
    }
  };
  // partial Fisher–Yates (§4): the first k of list, in pick order
  const pick = (list, k) => {
    const l = list.slice();
    for (let i = 0; i < k && i < l.length; i++) {
      const j = i + uniform(l.length - i);
      [l[i], l[j]] = [l[j], l[i]];
    }
    return l.slice(0, k);
  };
  return { pick };
}

const byteOrder = (a, b) => {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  for (let i = 0; i < x.length && i < y.length; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
};

export function verifyRecord(rec, sm3) {
  const no = (why) => ({ verdict: 'mismatch', why });
  if (!rec || rec.format !== 'yichuang-draw/1') return no('不是抽签记录（yichuang-draw/1）');
  const { plan, entities, inspectors } = rec;
  if (!rec.secret || !Array.isArray(rec.inputs) || !Array.isArray(rec.result)) return no('尚未抽签：记录中没有密钥、见证输入或结果');
  const eText = entities.lines.join('\n');
  const iText = inspectors.lines.join('\n');
  if (sm3(eText) !== entities.hash) return no('市场主体名单的 SM3 与公布的摘要不符');
  if (sm3(iText) !== inspectors.hash) return no('检查人员名单的 SM3 与公布的摘要不符');
  if (sm3(rec.secret) !== rec.commitment) return no('密钥的 SM3 与抽签前公布的承诺值不符');
  const inputs = rec.inputs.map((w) => (typeof w === 'string' ? w : w.input));
  const seed = sm3(['yichuang-draw/1', rec.secret, entities.hash, inspectors.hash, ...inputs].join('\n'));
  if (rec.seed && rec.seed !== seed) return no('种子与重新计算的不符');
  const s = stream(sm3, seed);
  // the entities (§4): strata A B C D in list order, ceil(N × ‰ / 1000) from each
  const ents = entities.lines.map((l) => l.split(','));
  for (let i = 1; i < ents.length; i++) if (byteOrder(ents[i - 1][0], ents[i][0]) >= 0) return no(`市场主体名单第 ${i + 1} 行未按代码排序`);
  const selected = [];
  for (const c of ['A', 'B', 'C', 'D']) {
    const stratum = ents.filter((e) => e[1] === c).map((e) => e[0]);
    const k = Math.min(stratum.length, Math.ceil((stratum.length * plan.ratios[c]) / 1000));
    selected.push(...s.pick(stratum, k));
  }
  // the teams (§5): for each field in byte order, team_size of the eligible, same stream
  const excluded = new Map(ents.map((e) => [e[0], e[2] ? e[2].split(';') : []]));
  const insp = inspectors.lines.map((l) => { const [c, f] = l.split(','); return { c, f: f.split(';') }; });
  const fields = plan.fields.slice().sort(byteOrder);
  const teams = [];
  for (const e of selected) {
    const team = [];
    for (const f of fields) {
      const eligible = insp.filter((i) => i.f.includes(f) && !excluded.get(e).includes(i.c) && !team.includes(i.c)).map((i) => i.c);
      if (eligible.length < plan.team_size) return no(`${e} 的 ${f} 检查人员不足`);
      team.push(...s.pick(eligible, plan.team_size));
    }
    teams.push(team);
  }
  if (rec.result.length !== selected.length) return no(`记录列出 ${rec.result.length} 户，重新抽取为 ${selected.length} 户`);
  for (let i = 0; i < selected.length; i++) {
    if (rec.result[i].entity !== selected[i]) return no(`第 ${i + 1} 户记录为 ${rec.result[i].entity}，重新抽取为 ${selected[i]}`);
    if (rec.result[i].team.join(';') !== teams[i].join(';')) return no(`第 ${i + 1} 户（${selected[i]}）的检查组与重新抽取的不符`);
  }
  return { verdict: 'match', why: '', entities: ents.length, selected: selected.length, seed };
}

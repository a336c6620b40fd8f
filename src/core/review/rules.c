/*
 * rules.c — what the national rules fix (国办发〔2019〕51号, GB/T 39734-2020,
 * GB/T 39735-2020): the five levels, the channels, the indicators online and
 * in the hall, a bad review's reasons, the visit's dimensions, the review
 * window, the callback sampler, the satisfaction rate, and the tokens QR
 * codes, SMS links and rating devices carry (see review.h).
 */
#include "core/review/internal.h"

#include <stdio.h>
#include <string.h>

#include "lib/crypto.h"
#include "lib/banned.h"

static const char *const level_names[REVIEW_LEVELS + 1] = {"",	       "非常不满意", "不满意",
							   "基本满意", "满意",	     "非常满意"};

const char *review_level_name(int level)
{
	return level >= 1 && level <= REVIEW_LEVELS ? level_names[level] : "";
}

bool review_level_bad(int level)
{
	return level >= 1 && level <= REVIEW_BAD_MAX;
}

/*
 * Channels. A service channel rates a case, run or ticket and proves the
 * rater holds it; an open channel (entered by staff) has no service behind it.
 */
const struct review_channel review_channels[] = {
	{"web", "网上评价", RCH_SERVICE, "account"},	 /* the applicant's own account */
	{"qr", "扫码评价", RCH_SERVICE, "token"},	 /* the QR code on a notice */
	{"sms", "短信评价", RCH_SERVICE, "token"},	 /* the link in the SMS at the end */
	{"eticket", "电子取号评价", RCH_SERVICE, "key"}, /* the e-ticket page's key */
	{"device", "窗口评价器", RCH_SERVICE, "device"}, /* the window's rating device */
	{"counter", "吐槽找茬窗口", RCH_OPEN, "staff"},	 /* the complaint counter */
	{"box", "意见箱", RCH_OPEN, "staff"},		 /* the suggestion box */
	{"hotline", "投诉电话", RCH_OPEN, "staff"},	 /* the complaint line */
	{NULL, NULL, RCH_OPEN, NULL},
};

const struct review_channel *review_channel_find(const char *code)
{
	for (int i = 0; code && review_channels[i].code; i++)
		if (!strcmp(review_channels[i].code, code))
			return &review_channels[i];
	return NULL;
}

/* Besides 整体满意度 (the level itself): online four, in the hall three (GB/T 39734/39735). */
const struct review_indicator review_indicators[] = {
	{"efficiency", "办事效率", true, false},	 {"guide", "指南精确度", true, false},
	{"convenience", "便捷度", true, false},		 {"operability", "平台操作性", true, false},
	{"service_efficiency", "服务效率", false, true}, {"service_level", "服务水平", false, true},
	{"attitude", "服务态度", false, true},		 {NULL, NULL, false, false},
};

/* A bad review says why: one or more of these. */
const struct review_indicator review_reasons[] = {
	{"attitude", "服务态度差", true, true},
	{"slow", "办事效率低、超时办理", true, true},
	{"repeat_visits", "多次跑动、重复提交材料", true, true},
	{"unclear_guide", "办事指南不清楚、不准确", true, true},
	{"system", "系统操作不便、故障", true, true},
	{"fees", "违规收费、吃拿卡要", true, true},
	{"queue", "排队等候时间长", true, true},
	{"other", "其他", true, true},
	{NULL, NULL, false, false},
};

/* A social supervisor's or third party's visit: seven dimensions, 0..100 each. */
const struct review_indicator review_dimensions[] = {
	{"staffing", "人员到位", true, true},	   {"windows", "窗口设置", true, true},
	{"concentration", "事项集中", true, true}, {"handling", "规范办件", true, true},
	{"online_hall", "网厅运行", true, true},   {"policy", "政策落实", true, true},
	{"etiquette", "服务礼仪", true, true},	   {NULL, NULL, false, false},
};

bool review_in_window(const struct review_ctx *c, int64_t end_ms, int64_t now_ms)
{
	return end_ms > 0 && now_ms >= end_ms &&
	       now_ms - end_ms <= (int64_t)c->window_days * 86400000;
}

bool review_sampled(uint32_t r, int percent)
{
	if (percent <= 0)
		return false;
	if (percent >= 100)
		return true;
	/* r < percent% of 2^32: exact to one part in 2^32 */
	return (uint64_t)r * 100 < (uint64_t)percent << 32;
}

uint32_t review_draw(const struct review_ctx *c)
{
	uint32_t r = 0;
	if (!c->draws) {
		yc_random_bytes(&r, sizeof(r));
		return r;
	}
	uint64_t z = (*c->draws += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (uint32_t)((z ^ (z >> 31)) >> 32);
}

int64_t review_satisfied(const int64_t n[6])
{
	return n[3] + n[4] + n[5];
}

int review_rate_permille(const int64_t n[6])
{
	int64_t all = n[1] + n[2] + n[3] + n[4] + n[5];
	if (all <= 0)
		return -1;
	/* rounded half up, in per-mille: 99.05% is 991 */
	return (int)((review_satisfied(n) * 1000 + all / 2) / all);
}

const char review_definition[] =
	"满意率 = (非常满意 + 满意 + 基本满意) ÷ 评价总数。评价总数为统计期内全部评价，"
	"经申诉核实为误评、恶意评价而撤销的不计入（评价本身保留备查）；不满意、非常不满意为差评。";

int review_token(db *d, const char *subject, char out[33], yc_err *err)
{
	char key[80] = "";
	int rc = db_get(d, err, "SELECT key FROM review_keys WHERE id = 1", "", "t", key,
			sizeof(key));
	if (rc < 0)
		return rc;
	if (rc != DB_ROW || strlen(key) < 32)
		return yc_err_set(err, YC_EINTERNAL, NULL, "the review key is missing");
	yc_hmac_sha256_hex(key, subject, strlen(subject), out, 32);
	return 0;
}

/*
 * history_smart.c — the hall's smart services in the demo's past (issue 21): the efficiency
 * watch run at the end of each working day, its alerts worked through by the supervisor the
 * next day (acknowledged, closed with what was done); people at the 24-hour terminal in the
 * evening, who prove who they are with the code on their phone and print a certificate; and
 * the questions the guide could not answer, logged as they were asked. Each through the same
 * calls a request makes. Its own random stream: the other histories do not move.
 */
#include "history.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/guide/guide.h"
#include "core/terminal/terminal.h"
#include "core/watch/watch.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

enum { TERMINAL_VISITS = 2, GUIDE_MISSES = 3 };

/* Questions people ask that the district's catalog does not answer (the guide logs them). */
static const char *const misses[] = {
	"驾驶证到期了在哪换",	     "孩子上户口要带什么",	 "身份证丢了怎么补",
	"社保卡丢了去哪补办",	     "健康证在哪里办",		 "小孩上小学怎么报名",
	"烟草专卖许可证怎么申请",    "车辆年检在哪里",		 "老人去世了火化要什么手续",
	"出租车营运证怎么办",	     "狗证在哪办",		 "ETC在哪办理",
};
enum { NMISSES = sizeof(misses) / sizeof(misses[0]) };

struct hist_smart {
	struct rng rng;
	struct guide_ctx guide;
	struct term_ctx term;
	int64_t *holders; /* users who hold a certificate, for the terminal */
	int nholders;
};

void hist_smart_free(struct hist *h)
{
	struct hist_smart *s = h->smart;
	if (!s)
		return;
	guide_ctx_free(&s->guide);
	free(s->holders);
	free(s);
	h->smart = NULL;
}

int hist_smart_setup(struct hist *h)
{
	struct hist_smart *s = calloc(1, sizeof(*s));
	if (!(h->smart = s))
		return yc_err_set(h->err, YC_ENOMEM, NULL, NULL);
	s->rng.s = h->o->seed ^ 0x510e527fade682d1ULL;
	s->guide = (struct guide_ctx){.min_score = 18, .answers = 3, .desk = "C"};
	guide_ctx_init(&s->guide);
	s->term = (struct term_ctx){.code_minutes = 5, .visit_minutes = 10};
	return 0;
}

/* Who holds a certificate now (their accounts), read each day: more are issued as it goes. */
static int holders(struct hist *h, yc_err *err)
{
	struct hist_smart *s = h->smart;
	db_stmt *st = db_prepare(h->d,
				 "SELECT DISTINCT c.holder_user FROM certificates c JOIN users u ON"
				 " u.id = c.holder_user WHERE u.verified_ms IS NOT NULL AND c.state ="
				 " 'issued' ORDER BY c.holder_user LIMIT 200",
				 err);
	if (!st)
		return db_failed(err);
	s->nholders = 0;
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		int64_t *g = realloc(s->holders, (size_t)(s->nholders + 1) * sizeof(*g));
		if (!g) {
			rc = yc_err_set(err, YC_ENOMEM, NULL, NULL);
			break;
		}
		s->holders = g;
		s->holders[s->nholders++] = db_col_int(st, 0);
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* One person at the terminal: the code to their phone, typed in, a certificate printed. */
static int terminal_visit(struct hist *h, const yc_user *terminal, int64_t user)
{
	struct hist_smart *s = h->smart;
	yc_user person;
	char id_number[24] = "", phone[16] = "", cert[128] = "", text[256] = "";
	int rc = db_get(h->d, h->err, "SELECT id_number, phone FROM users WHERE id = ?", "i", "tt",
			user, id_number, sizeof(id_number), phone, sizeof(phone));
	if (rc != DB_ROW || !*phone)
		return rc < 0 ? rc : 0;
	if ((rc = account_get(h->d, user, &person, h->err)))
		return rc;
	cJSON *body = cJSON_CreateObject();
	cJSON_AddStringToObject(body, "id_number", id_number);
	cJSON_AddStringToObject(body, "phone", phone);
	yc_buf out;
	yc_buf_init(&out, 0);
	rc = term_code_send(h->d, &s->term, terminal, body, &out, h->err);
	cJSON_Delete(body);
	cJSON *sent = rc ? NULL : cJSON_Parse(out.data);
	char code_id[TERM_ID_LEN + 1] = "";
	snprintf(code_id, sizeof(code_id), "%s", sent ? yc_json_str(sent, "id") : "");
	cJSON_Delete(sent);
	/* the person reads the code on their phone */
	char recipient[64];
	snprintf(recipient, sizeof(recipient), "user:%s", person.username);
	if (!rc && (rc = db_get(h->d, h->err,
				"SELECT text FROM notifications WHERE recipient = ? ORDER BY id DESC"
				" LIMIT 1",
				"s", "t", recipient, text, sizeof(text))) == DB_ROW)
		rc = 0;
	const char *digits = strstr(text, "验证码 ");
	if (rc || !digits || !*code_id) {
		yc_buf_release(&out);
		return rc;
	}
	body = cJSON_CreateObject();
	char code[TERM_CODE_DIGITS + 1];
	snprintf(code, sizeof(code), "%.6s", digits + strlen("验证码 "));
	cJSON_AddStringToObject(body, "code", code);
	yc_buf_clear(&out);
	int status = 0;
	rc = term_code_verify(h->d, &s->term, terminal, code_id, body, &out, &status, h->err);
	cJSON_Delete(body);
	cJSON *v = rc || status ? NULL : cJSON_Parse(out.data);
	char visit[TERM_ID_LEN + 1];
	snprintf(visit, sizeof(visit), "%s", v ? yc_json_str(v, "visit") : "");
	cJSON_Delete(v);
	if (!rc && *visit &&
	    (rc = db_get(h->d, h->err,
			 "SELECT id FROM certificates WHERE holder_user = ? AND state = 'issued'"
			 " ORDER BY issued_ms DESC LIMIT 1",
			 "i", "t", user, cert, sizeof(cert))) == DB_ROW) {
		body = cJSON_CreateObject();
		cJSON_AddStringToObject(body, "kind", "certificate");
		cJSON_AddStringToObject(body, "ref", cert);
		yc_buf_clear(&out);
		rc = term_print(h->d, &s->term, terminal, visit, body, &out, h->err);
		cJSON_Delete(body);
	} else if (rc == DB_DONE) {
		rc = 0;
	}
	if (!rc && *visit) {
		yc_buf_clear(&out);
		rc = term_visit_end(h->d, &s->term, terminal, visit, &out, h->err);
	}
	yc_buf_release(&out);
	if (rc)
		yc_err_prefix(rc, h->err, "demo history, the terminal");
	return rc;
}

/* The questions the guide could not answer, asked through the day and logged as the API logs. */
static int guide_misses(struct hist *h, int32_t day)
{
	struct hist_smart *s = h->smart;
	int n = rng_below(&s->rng, GUIDE_MISSES + 1), rc = 0;
	for (int i = 0; !rc && i < n; i++) {
		const char *q = misses[rng_below(&s->rng, NMISSES)];
		int64_t at = hist_ms(h, day, 9 * 60 + rng_below(&s->rng, 8 * 60));
		if (at >= h->o->end_ms)
			break;
		hist_at(h, at);
		yc_buf out;
		yc_buf_init(&out, 0);
		bool answered = true;
		rc = guide_ask(h->d, &s->guide, q, &out, &answered, h->err);
		yc_buf_release(&out);
		if (!rc && !answered) {
			char masked[GUIDE_QUESTION_MAX + 1];
			guide_mask(q, masked, sizeof(masked));
			rc = guide_unanswered_log(h->d, masked, rng_chance(&s->rng, 500) ? "kiosk" : "web",
						  h->now_ms, h->err);
		}
	}
	return rc;
}

/* The watch at the end of the day; the alerts of the days before worked through this morning. */
static int watch_day(struct hist *h, int32_t day)
{
	const yc_user *sup;
	int rc = hist_staff_user(h, "supervisor1", &sup);
	if (rc)
		return rc;
	hist_at(h, hist_ms(h, day, 9 * 60 + 10));
	db_stmt *st = db_prepare(h->d,
				 "SELECT id, state FROM watch_alerts WHERE state <> 'closed' AND"
				 " raised_ms < ? ORDER BY id",
				 h->err);
	if (!st)
		return db_failed(h->err);
	db_bind_int(st, 1, hist_ms(h, day, 0));
	char ids[64][WATCH_ID_LEN + 1];
	bool acked[64];
	int n = 0;
	while (n < 64 && (rc = db_step(st, h->err)) == DB_ROW) {
		snprintf(ids[n], sizeof(ids[n]), "%s", db_col_text(st, 0));
		acked[n++] = !strcmp(db_col_text(st, 1), "acked");
	}
	db_done(st);
	rc = rc < 0 ? rc : 0;
	static const char *const notes[] = {"已督办，责任科室说明情况并整改", "已电话提醒，当日处理完毕",
					    "已调配人员，排队已缓解", "已约谈提醒，纳入月度效能考核"};
	for (int i = 0; !rc && i < n; i++) {
		yc_buf out;
		yc_buf_init(&out, 0);
		cJSON *body = cJSON_CreateObject();
		if (!acked[i])
			rc = watch_act(h->d, h->o->watch, sup, ids[i], "ack", body, &out, h->err);
		cJSON_AddStringToObject(body, "note", notes[rng_below(&h->smart->rng, 4)]);
		yc_buf_clear(&out);
		if (!rc)
			rc = watch_act(h->d, h->o->watch, sup, ids[i], "close", body, &out, h->err);
		cJSON_Delete(body);
		yc_buf_release(&out);
	}
	int64_t raised = 0;
	hist_at(h, hist_ms(h, day, 17 * 60 + 5));
	if (!rc)
		rc = watch_run(h->d, h->o->watch, &raised, h->err);
	return rc;
}

int hist_smart_day(struct hist *h, int32_t day, bool work)
{
	struct hist_smart *s = h->smart;
	if (!s)
		return 0;
	int rc = guide_misses(h, day);
	/* the watch's past: its run on Fridays (the recent demo keeps its pace; the board shows
	 * this week's alerts and the closed ones of the weeks before) */
	if (!rc && work && h->o->watch && yc_weekday(day) == 5 &&
	    hist_ms(h, day, 17 * 60 + 5) < h->o->end_ms)
		rc = watch_day(h, day);
	/* the evening: the hall is closed, the terminal is not */
	const yc_user *terminal;
	if (!rc)
		rc = hist_staff_user(h, "terminal-1", &terminal);
	if (!rc)
		rc = holders(h, h->err);
	for (int i = 0; !rc && s->nholders && i < TERMINAL_VISITS; i++) {
		hist_at(h, hist_ms(h, day, 19 * 60 + rng_below(&s->rng, 120)));
		if (hist_ms(h, day, 21 * 60) >= h->o->end_ms)
			break;
		rc = terminal_visit(h, terminal, s->holders[rng_below(&s->rng, s->nholders)]);
	}
	return rc;
}

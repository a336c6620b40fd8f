/* config.c — the settings table (see config.h). The only getenv in yichuang. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

enum yc_ctype { YC_CT_STR, YC_CT_INT, YC_CT_BOOL };

struct yc_setting {
	const char *name;
	enum yc_ctype type;
	size_t offset;
	size_t size;
	const char *def;
	int64_t min, max;
	bool secret;
	const char *help;
};

#define S(field) offsetof(yc_config, field), sizeof(((yc_config *)0)->field)
static const struct yc_setting yc_settings[] = {
	{"db", YC_CT_STR, S(db), "var/yichuang.db", 0, 0, true,
	 "database: a file path, sqlite:PATH, or postgres://…"},
	{"listen", YC_CT_STR, S(listen), "127.0.0.1:8080", 0, 0, false, "address:port to serve on"},
	{"web", YC_CT_STR, S(web), "web", 0, 0, false, "folder of the web UI"},
	{"threads", YC_CT_INT, S(threads), "0", 0, 256, false, "listener threads (0 = cores)"},
	{"body-limit", YC_CT_INT, S(body_limit), "10485760", 1024, 1073741824, false,
	 "largest request body in bytes"},
	{"header-limit", YC_CT_INT, S(header_limit), "16384", 1024, 1048576, false,
	 "largest request head in bytes"},
	{"timeout", YC_CT_INT, S(timeout_s), "30", 1, 3600, false, "read/write timeout in seconds"},
	{"header-timeout", YC_CT_INT, S(header_timeout_s), "20", 1, 3600, false,
	 "seconds a request's head may take from its first byte to its end"},
	{"streams-per-address", YC_CT_INT, S(streams_per_address), "50", 1, 100000, false,
	 "live event streams (boards, consoles) one address holds on a node"},
	{"streams-max", YC_CT_INT, S(streams_max), "2000", 1, 1000000, false,
	 "live event streams a node holds in all"},
	{"login-max-failures", YC_CT_INT, S(login_max_failures), "5", 1, 1000, false,
	 "failed logins to one account from one address before each further one waits longer"},
	{"login-max-failures-address", YC_CT_INT, S(login_max_failures_address), "50", 1, 100000,
	 false, "failed logins from one address before it waits (a hall may share one address)"},
	{"login-max-failures-account", YC_CT_INT, S(login_max_failures_account), "20", 1, 100000,
	 false, "failed logins to one account from all addresses before it waits (at most a minute)"},
	{"login-lock", YC_CT_INT, S(login_lock_s), "300", 1, 86400, false,
	 "the longest wait, in seconds, of an address or account that keeps failing"},
	{"failure-budget", YC_CT_INT, S(failure_budget), "1000", 1, 10000000, false,
	 "failed logins and progress guesses a node takes per minute before addresses that "
	 "failed recently must wait"},
	{"progress-max-failures", YC_CT_INT, S(progress_max_failures), "10", 1, 1000, false,
	 "wrong phone digits for one case number before each further guess waits longer"},
	{"progress-max-failures-address", YC_CT_INT, S(progress_max_failures_address), "30", 1,
	 100000, false, "wrong progress lookups from one address before it waits"},
	{"guide-log-per-address", YC_CT_INT, S(guide_log_per_address), "30", 0, 1000000, false,
	 "unanswered questions an address may add to the guide's log in an hour (the rest are "
	 "answered, not logged)"},
	{"tickets-per-address", YC_CT_INT, S(tickets_per_address), "120", 1, 1000000, false,
	 "queue tickets one address takes per hour without waiting (raise for a hall's kiosks)"},
	{"registrations-per-address", YC_CT_INT, S(registrations_per_address), "10", 1, 1000000,
	 false, "accounts one address registers per hour without waiting"},
	{"session-ttl", YC_CT_INT, S(session_ttl_s), "28800", 60, 2592000, false,
	 "seconds a session lives"},
	{"session-cache-ms", YC_CT_INT, S(session_cache_ms), "1000", 0, 60000, false,
	 "milliseconds a node trusts a session it has looked up (0 = look up every request)"},
	{"tz-offset", YC_CT_INT, S(tz_offset_min), "480", -720, 840, false,
	 "local time zone as minutes east of UTC (Asia/Shanghai = 480)"},
	{"work-hours", YC_CT_STR, S(work_hours), "09:00-12:00,13:00-17:00", 0, 0, false,
	 "opening hours of a working day"},
	{"batch-max", YC_CT_INT, S(batch_max), "512", 1, 100000, false,
	 "most writes committed in one transaction"},
	{"writers", YC_CT_INT, S(writers), "1", 1, 16, false,
	 "writer connections committing batches (PostgreSQL; SQLite always has one)"},
	{"job-interval", YC_CT_INT, S(job_interval_s), "3600", 1, 86400, false,
	 "seconds between runs of the clean-up jobs (once across the cluster)"},
	{"idempotency-ttl", YC_CT_INT, S(idempotency_ttl_s), "86400", 1, 2592000, false,
	 "seconds an Idempotency-Key answer is kept"},
	{"region-code", YC_CT_STR, S(region_code), "371091", 0, 0, false,
	 "6-digit administrative region code that starts every case number"},
	{"warn-days", YC_CT_INT, S(warn_days), "1", 0, 30, false,
	 "a case's light turns yellow this many working days before its deadline"},
	{"correction-days", YC_CT_INT, S(correction_days), "5", 1, 60, false,
	 "working days an applicant has to correct or supplement, unless the clerk sets it"},
	{"public-url", YC_CT_STR, S(public_url), "", 0, 0, false,
	 "the address applicants reach the system at, for QR codes (empty: the request's Host, "
	 "on a loopback server only)"},
	{"case-job-interval", YC_CT_INT, S(case_job_interval_s), "60", 1, 86400, false,
	 "seconds between refreshes of deadline lights and lapses of corrections"},
	{"notify-interval", YC_CT_INT, S(notify_interval_s), "5", 1, 3600, false,
	 "seconds between sends of queued SMS and e-mail notifications"},
	{"sms-url", YC_CT_STR, S(sms_url), "", 0, 0, true,
	 "http://host:port/path of an SMS gateway taking POST {\"to\",\"text\"} (empty: log only)"},
	{"queue-fairness", YC_CT_INT, S(queue_fairness_s), "1800", 0, 86400, false,
	 "seconds after which a waiting normal ticket is called before priority ones (0 = never)"},
	{"max-recalls", YC_CT_INT, S(max_recalls), "2", 0, 10, false,
	 "recalls of a called ticket before it is marked missed"},
	{"checkin-before", YC_CT_INT, S(checkin_before_min), "30", 0, 240, false,
	 "minutes before an appointment's slot that check-in opens"},
	{"checkin-after", YC_CT_INT, S(checkin_after_min), "15", 0, 240, false,
	 "minutes after an appointment's slot begins that check-in closes"},
	{"slot-minutes", YC_CT_INT, S(slot_minutes), "30", 5, 240, false,
	 "length of an appointment slot"},
	{"appointment-daily-limit", YC_CT_INT, S(appointment_daily_limit), "1", 1, 20, false,
	 "appointments one person may hold for one day"},
	{"noshow-penalty-misses", YC_CT_INT, S(noshow_misses), "3", 0, 100, false,
	 "missed appointments that bar booking (0 = no bar)"},
	{"noshow-penalty-window", YC_CT_INT, S(noshow_window_days), "30", 1, 365, false,
	 "days within which the misses are counted"},
	{"noshow-penalty-days", YC_CT_INT, S(noshow_days), "30", 1, 365, false,
	 "days booking stays barred after the last of them"},
	{"call-text", YC_CT_STR, S(call_text), "请 {number} 号到 {window} 号窗口办理", 0, 0, false,
	 "what boards show and announce on a call ({number}, {window})"},
	{"review-window-days", YC_CT_INT, S(review_window_days), "30", 1, 365, false,
	 "days after a service ends that it may still be rated"},
	{"review-verify-days", YC_CT_INT, S(review_verify_days), "2", 1, 30, false,
	 "working days a department has to call a bad review's rater back and classify it"},
	{"review-rectify-days", YC_CT_INT, S(review_rectify_days), "15", 1, 120, false,
	 "working days of a 限期整改 (a rectification with a deadline)"},
	{"review-report-days", YC_CT_INT, S(review_report_days), "5", 1, 60, false,
	 "working days to report a 立行立改 or 解释说明 once classified"},
	{"review-callback-percent", YC_CT_INT, S(review_callback_percent), "40", 0, 100, false,
	 "share of the reviews that are not bad drawn at random for a callback (回访)"},
	{"keyring", YC_CT_STR, S(keyring), "", 0, 0, false,
	 "file holding the passphrase the certificate signing keys are encrypted under (empty: "
	 "beside the SQLite file as <db>.keyring, or var/yichuang.keyring with PostgreSQL); made "
	 "by init, mode 0600; every node of a cluster needs the same one"},
	{"cert-status-hours", YC_CT_INT, S(cert_status_hours), "24", 1, 720, false,
	 "hours a signed certificate status list is current (its next update)"},
	{"cert-key-years", YC_CT_INT, S(cert_key_years), "3", 1, 20, false,
	 "years an issuing department's signing key is certified for"},
	{"inspection-publish-days", YC_CT_INT, S(inspection_publish_days), "20", 1, 60, false,
	 "working days after an inspection by which its result is published (双随机、一公开)"},
	{"inspection-min-permille", YC_CT_INT, S(inspection_min_permille), "30", 1, 1000, false,
	 "the least share of the entities in scope a spot-check plan draws, per mille (3%)"},
	{"leniency-days", YC_CT_INT, S(leniency_days), "365", 1, 3650, false,
	 "首次不罚: a minor violation is a first one when the entity had no decision on it this many "
	 "days before"},
	{"bridge-item", YC_CT_STR, S(bridge_item), "371091051005035000", 0, 0, false,
	 "the catalog item through which firms apply for the emergency bridge-loan fund (应急转贷)"},
	{"bridge-department", YC_CT_STR, S(bridge_department), "czjr", 0, 0, false,
	 "the department that runs the bridge-loan fund: its approvers disburse and collect"},
	{"bridge-limit-yuan", YC_CT_INT, S(bridge_limit_yuan), "20000000", 1, 1000000000, false,
	 "the bridge money one firm may have out or approved at once, in yuan (2000万)"},
	{"bridge-max-days", YC_CT_INT, S(bridge_max_days), "15", 1, 365, false,
	 "days a bridge loan may be used at most"},
	{"bridge-fee-rate", YC_CT_INT, S(bridge_fee_rate), "10", 0, 10000, false,
	 "a bridge loan's fee per day of use, in 1/100000 of the amount (10 = 0.01% a day)"},
	{"bridge-overdue-rate", YC_CT_INT, S(bridge_overdue_rate), "50", 0, 10000, false,
	 "the fee per day past a bridge loan's due day, in 1/100000 of the amount (0.05% a day)"},
	{"procurement-sign-days", YC_CT_INT, S(procurement_sign_days), "10", 1, 60, false,
	 "working days from a procurement's award notice by which its contract is signed"},
	{"procurement-file-days", YC_CT_INT, S(procurement_file_days), "7", 1, 60, false,
	 "working days from a procurement contract's signing by which it is filed with finance"},
	{"procurement-department", YC_CT_STR, S(procurement_department), "czjr", 0, 0, false,
	 "the department procurement contracts are filed with"},
	{"court-item", YC_CT_STR, S(court_item), "371091201011077000", 0, 0, false,
	 "the catalog item parties file civil cases through (网上立案; 分调裁审)"},
	{"court-department", YC_CT_STR, S(court_department), "fy", 0, 0, false,
	 "the court: its approvers run the registry, mediation and assignment"},
	{"ipmed-department", YC_CT_STR, S(ipmed_department), "scjg", 0, 0, false,
	 "the department that runs the IP people's mediation workstation"},
	{"training-quiz-size", YC_CT_INT, S(training_quiz_size), "20", 1, 200, false,
	 "questions a 全能岗 training quiz draws from its category"},
	{"training-pass-percent", YC_CT_INT, S(training_pass_percent), "80", 1, 100, false,
	 "the quiz score (percent right) that passes a category"},
	{"training-required", YC_CT_BOOL, S(training_required), "true", 0, 0, false,
	 "a clerk signs in only at a window whose every category the clerk has passed (全能岗)"},
	{"guide-min-score", YC_CT_INT, S(guide_min_score), "1800", 0, 100000, false,
	 "the score (in hundredths) the guide's best answer needs; below it the guide says it "
	 "does not know, logs the question and offers the guidance desk (智能导服)"},
	{"guide-answers", YC_CT_INT, S(guide_answers), "3", 1, 10, false,
	 "answers the guide gives to a question"},
	{"guide-desk-category", YC_CT_STR, S(guide_desk), "C", 0, 0, false,
	 "the hall category whose ticket the guide's \"ask a person\" takes"},
	{"fdi-items", YC_CT_STR, S(fdi_items), "371091011001007000,371091011001007001", 0, 0, false,
	 "the registrations (item codes, comma-separated) whose foreign-invested applications are "
	 "checked against the negative list in force (外商投资准入特别管理措施)"},
	{"terminal-code-minutes", YC_CT_INT, S(terminal_code_minutes), "5", 1, 60, false,
	 "minutes a 24-hour terminal's one-time code stays good"},
	{"terminal-visit-minutes", YC_CT_INT, S(terminal_visit_minutes), "10", 1, 120, false,
	 "the longest a visit at a 24-hour terminal lasts (it ends sooner when the person leaves)"},
	{"watch-idle-percent", YC_CT_INT, S(watch_idle_percent), "50", 1, 100, false,
	 "效能监察: a green case idle in its step for this share of its limit raises an alert"},
	{"watch-service-percent", YC_CT_INT, S(watch_service_percent), "200", 100, 10000, false,
	 "效能监察: a clerk whose mean service time today is this share of the hall's median"},
	{"watch-service-min", YC_CT_INT, S(watch_service_min), "5", 1, 10000, false,
	 "效能监察: tickets a clerk has served today before the service-time rule speaks"},
	{"watch-queue", YC_CT_INT, S(watch_queue), "15", 1, 100000, false,
	 "效能监察: waiting tickets of a category at which its closed or paused windows alert"},
	{"watch-wait-minutes", YC_CT_INT, S(watch_wait_minutes), "30", 1, 1440, false,
	 "效能监察: the target wait; tickets waiting longer raise an alert for their category"},
	{"watch-rating-drop", YC_CT_INT, S(watch_rating_drop), "10", 1, 100, false,
	 "效能监察: percentage points of satisfaction a department loses against last month"},
	{"watch-rating-min", YC_CT_INT, S(watch_rating_min), "20", 1, 1000000, false,
	 "效能监察: reviews a department needs in each month before the ratings rule speaks"},
	{"watch-refusal-percent", YC_CT_INT, S(watch_refusal_percent), "25", 1, 100, false,
	 "效能监察: a clerk's or approver's share of refusals, send-backs and denials (and twice "
	 "the hall's)"},
	{"watch-refusal-min", YC_CT_INT, S(watch_refusal_min), "20", 1, 1000000, false,
	 "效能监察: decisions in 30 days before the refusals rule speaks"},
	{"public-cache-ms", YC_CT_INT, S(public_cache_ms), "5000", 0, 600000, false,
	 "milliseconds a node answers the public satisfaction figures from memory before it reads "
	 "them again (0 = every request)"},
	{"log-level", YC_CT_STR, S(log_level), "info", 0, 0, false, "debug, info, warn or error"},
	{"access-log", YC_CT_BOOL, S(access_log), "true", 0, 1, false,
	 "log every request (a JSON line each, gathered per listener thread, written every 100 ms)"},
	{"allow-demo", YC_CT_BOOL, S(allow_demo), "false", 0, 1, false,
	 "serve a non-loopback address although demo accounts exist"},
	{"secure-cookie", YC_CT_BOOL, S(secure_cookie), "false", 0, 1, false,
	 "mark the session cookie Secure (on by itself when public-url is https://)"},
	{"metrics-token", YC_CT_STR, S(metrics_token), "", 0, 0, true,
	 "a token GET /metrics requires as Authorization: Bearer, lower-case hex (openssl rand "
	 "-hex 32; empty: loopback callers only)"},
};
#undef S
#define YC_NSETTINGS (sizeof(yc_settings) / sizeof(yc_settings[0]))

static const struct yc_setting *yc_setting_find(const char *name)
{
	for (size_t i = 0; i < YC_NSETTINGS; i++)
		if (strcmp(yc_settings[i].name, name) == 0)
			return &yc_settings[i];
	return NULL;
}

static int yc_setting_apply(yc_config *cfg, const struct yc_setting *s, const char *v, yc_err *err)
{
	char *slot = (char *)cfg + s->offset;
	switch (s->type) {
	case YC_CT_STR:
		if (strlen(v) >= s->size)
			return yc_err_set(err, YC_EINVAL, s->name, "%s is too long", s->name);
		if (!strcmp(s->name, "region-code") &&
		    (strlen(v) != 6 || strspn(v, "0123456789") != 6))
			return yc_err_set(err, YC_EINVAL, s->name, "region-code must be 6 digits");
		memcpy(slot, v, strlen(v) + 1);
		return 0;
	case YC_CT_INT: {
		char *end;
		errno = 0;
		long long n = strtoll(v, &end, 10);
		if (errno || end == v || *end || n < s->min || n > s->max)
			return yc_err_set(err, YC_EINVAL, s->name,
					  "%s must be a whole number from %lld to %lld", s->name,
					  (long long)s->min, (long long)s->max);
		*(int64_t *)(void *)slot = n;
		return 0;
	}
	case YC_CT_BOOL:
		if (!strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "yes"))
			*(bool *)slot = true;
		else if (!strcmp(v, "false") || !strcmp(v, "0") || !strcmp(v, "no"))
			*(bool *)slot = false;
		else
			return yc_err_set(err, YC_EINVAL, s->name, "%s must be true or false",
					  s->name);
		return 0;
	}
	return YC_EINTERNAL;
}

void yc_config_defaults(yc_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	for (size_t i = 0; i < YC_NSETTINGS; i++) {
		int rc = yc_setting_apply(cfg, &yc_settings[i], yc_settings[i].def, NULL);
		(void)rc;
	}
}

int yc_config_load_env(yc_config *cfg, yc_err *err)
{
	for (size_t i = 0; i < YC_NSETTINGS; i++) {
		char var[64] = "YC_";
		size_t k = 3;
		for (const char *p = yc_settings[i].name; *p && k < sizeof(var) - 1; p++)
			var[k++] = *p == '-' ? '_' : (char)toupper((unsigned char)*p);
		var[k] = '\0';
		const char *v = getenv(var);
		if (v) {
			int rc = yc_setting_apply(cfg, &yc_settings[i], v, err);
			if (rc)
				return rc;
		}
	}
	return 0;
}

int yc_config_set(yc_config *cfg, const char *name, const char *value, yc_err *err)
{
	const struct yc_setting *s = yc_setting_find(name);
	if (!s)
		return yc_err_set(err, YC_ENOTFOUND, name, "unknown option --%s", name);
	return yc_setting_apply(cfg, s, value, err);
}

bool yc_config_is_flag(const char *name)
{
	const struct yc_setting *s = yc_setting_find(name);
	return s && s->type == YC_CT_BOOL;
}

void yc_config_usage(FILE *out)
{
	for (size_t i = 0; i < YC_NSETTINGS; i++) {
		const struct yc_setting *s = &yc_settings[i];
		fprintf(out, "  --%-20s %s (default: %s)\n", s->name, s->help,
			s->secret ? "set" : s->def);
	}
}

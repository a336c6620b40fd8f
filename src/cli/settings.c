/*
 * settings.c — the domain's settings, one block per capability: which
 * lines of the settings table (lib/config.c) each capability's context is
 * made from. A new capability adds its block here and its lines there.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "core/calendar/calendar.h"
#include "core/case/case.h"
#include "core/certificate/certificate.h"
#include "core/court/court.h"
#include "core/finance/finance.h"
#include "core/procurement/procurement.h"
#include "core/training/training.h"
#include "core/guide/guide.h"
#include "core/foreign/foreign.h"
#include "core/watch/watch.h"
#include "core/inspection/inspection.h"
#include "core/process/process.h"
#include "core/review/review.h"
#include "lib/banned.h"

/*
 * Cases (办件): the case number's region, the deadline light, corrections;
 * a case that is a part of a composite process tells its run when it ends.
 */
static void case_settings(const yc_config *cfg, calendar *cal, struct case_ctx *c)
{
	*c = (struct case_ctx){
		.cal = cal,
		.tz_offset_min = (int)cfg->tz_offset_min,
		.warn_days = (int)cfg->warn_days,
		.correction_days = (int)cfg->correction_days,
		.part_ended = process_part_ended,
	};
	snprintf(c->region, sizeof(c->region), "%s", cfg->region_code);
}

/* The hall: the queue's fairness and recalls, check-in, slots, the no-show bar. */
static void hall_settings(const yc_config *cfg, calendar *cal, struct hall_ctx *h)
{
	*h = (struct hall_ctx){
		.cal = cal,
		.tz_offset_min = (int)cfg->tz_offset_min,
		.fairness_s = cfg->queue_fairness_s,
		.max_recalls = (int)cfg->max_recalls,
		.checkin_before_min = (int)cfg->checkin_before_min,
		.checkin_after_min = (int)cfg->checkin_after_min,
		.slot_minutes = (int)cfg->slot_minutes,
		.daily_limit = (int)cfg->appointment_daily_limit,
		.penalty_misses = (int)cfg->noshow_misses,
		.penalty_window_days = (int)cfg->noshow_window_days,
		.penalty_days = (int)cfg->noshow_days,
	};
	snprintf(h->call_text, sizeof(h->call_text), "%s", cfg->call_text);
}

/*
 * Reviews (好差评): how long a service may be rated, the working days of a
 * rectification order's steps, the callback sample; cases give the calendar.
 */
static void review_settings(const yc_config *cfg, const struct case_ctx *cases,
			    struct review_ctx *r)
{
	*r = (struct review_ctx){
		.cases = cases,
		.tz_offset_min = (int)cfg->tz_offset_min,
		.window_days = (int)cfg->review_window_days,
		.verify_days = (int)cfg->review_verify_days,
		.rectify_days = (int)cfg->review_rectify_days,
		.report_days = (int)cfg->review_report_days,
		.callback_percent = (int)cfg->review_callback_percent,
	};
	snprintf(r->sms_base, sizeof(r->sms_base), "%s", cfg->public_url);
}

/*
 * Certificates (电子证照): the status list's life, the keys' years, the
 * jurisdiction; the keyring (the passphrase of the keys) is opened apart
 * (cli_certs_open), as only commands that sign need it.
 */
static void cert_settings(const yc_config *cfg, struct cert_ctx *c)
{
	*c = (struct cert_ctx){
		.tz_offset_min = (int)cfg->tz_offset_min,
		.status_hours = (int)cfg->cert_status_hours,
		.key_years = (int)cfg->cert_key_years,
	};
	snprintf(c->region, sizeof(c->region), "%s", cfg->region_code);
}

/*
 * An approval issues its certificate, then a business registration's new
 * licence enters the market entities' roster (名录库) the spot checks draw from.
 */
static int approved(db *d, void *certs, const char *kind, const char *no, yc_err *err)
{
	int rc = cert_issue_approved(d, certs, kind, no, err);
	return rc ? rc : insp_entity_registered(d, NULL, kind, no, err);
}

/* 双随机、一公开: the publication limit and the least share drawn; cases give the calendar. */
void cli_inspection_settings(const yc_config *cfg, const struct case_ctx *cases,
			     const struct cert_ctx *certs, struct insp_ctx *insp)
{
	*insp = (struct insp_ctx){
		.cases = cases,
		.certs = certs,
		.publish_days = (int)cfg->inspection_publish_days,
		.min_permille = (int)cfg->inspection_min_permille,
		.leniency_days = (int)cfg->leniency_days,
	};
}

/*
 * 企业贷款支持: the bridge-loan fund's rules; its application's form is checked
 * by them, and its approval (after the certificate and the roster) opens the loan.
 */
void cli_finance_settings(const yc_config *cfg, struct case_ctx *cases, struct fin_ctx *fin)
{
	*fin = (struct fin_ctx){
		.cases = cases,
		.limit_fen = cfg->bridge_limit_yuan * 100,
		.max_days = (int)cfg->bridge_max_days,
		.fee_rate = (int)cfg->bridge_fee_rate,
		.overdue_rate = (int)cfg->bridge_overdue_rate,
		.then = cases->approved,
		.then_arg = cases->approved_arg,
	};
	snprintf(fin->item, sizeof(fin->item), "%s", cfg->bridge_item);
	snprintf(fin->department, sizeof(fin->department), "%s", cfg->bridge_department);
	cases->form_rules = fin_form_rules;
	cases->form_rules_arg = fin;
	cases->approved = fin_approved_chain;
	cases->approved_arg = fin;
}

/* 政府采购: the contract's two limits and the department contracts are filed with. */
void cli_procurement_settings(const yc_config *cfg, const struct case_ctx *cases,
			      struct proc_ctx *proc)
{
	*proc = (struct proc_ctx){
		.cases = cases,
		.sign_days = (int)cfg->procurement_sign_days,
		.file_days = (int)cfg->procurement_file_days,
	};
	snprintf(proc->finance, sizeof(proc->finance), "%s", cfg->procurement_department);
}

/*
 * 分调裁审: the filing item and the court; its form rules and its approval hook go first,
 * then the ones already wired (the bridge fund's, the certificate's).
 */
void cli_court_settings(const yc_config *cfg, struct case_ctx *cases, struct court_ctx *court)
{
	*court = (struct court_ctx){
		.cases = cases,
		.approved_then = cases->approved,
		.approved_then_arg = cases->approved_arg,
		.form_then = cases->form_rules,
		.form_then_arg = cases->form_rules_arg,
	};
	snprintf(court->item, sizeof(court->item), "%s", cfg->court_item);
	snprintf(court->department, sizeof(court->department), "%s", cfg->court_department);
	cases->approved = court_approved;
	cases->approved_arg = court;
	cases->form_rules = court_form_rules;
	cases->form_rules_arg = court;
}

/* 全能岗: the quiz's size and pass mark; the hall's sign-in asks the clerk's passes. */
void cli_training_settings(const yc_config *cfg, struct hall_ctx *hall, struct train_ctx *train)
{
	*train = (struct train_ctx){
		.quiz_size = (int)cfg->training_quiz_size,
		.pass_percent = (int)cfg->training_pass_percent,
		.required = cfg->training_required,
	};
	hall->may_staff = train_may_staff;
	hall->may_staff_arg = train;
}

void cli_fdi_settings(const yc_config *cfg, struct case_ctx *cases, struct fdi_ctx *fdi)
{
	*fdi = (struct fdi_ctx){.tz_offset_min = (int)cfg->tz_offset_min,
				.then = cases->form_rules,
				.then_arg = cases->form_rules_arg};
	for (const char *p = cfg->fdi_items; *p && fdi->nitems < FDI_ITEMS_MAX;) {
		size_t n = strcspn(p, ", ");
		if (n && n < sizeof(fdi->items[0]))
			snprintf(fdi->items[fdi->nitems++], sizeof(fdi->items[0]), "%.*s", (int)n, p);
		p += n;
		p += strspn(p, ", ");
	}
	cases->form_rules = fdi_form_rules;
	cases->form_rules_arg = fdi;
}

void cli_watch_settings(const yc_config *cfg, struct watch_ctx *watch)
{
	*watch = (struct watch_ctx){
		.idle_percent = (int)cfg->watch_idle_percent,
		.service_percent = (int)cfg->watch_service_percent,
		.service_min = (int)cfg->watch_service_min,
		.queue = (int)cfg->watch_queue,
		.wait_minutes = (int)cfg->watch_wait_minutes,
		.rating_drop = (int)cfg->watch_rating_drop,
		.rating_min = (int)cfg->watch_rating_min,
		.refusal_percent = (int)cfg->watch_refusal_percent,
		.refusal_min = (int)cfg->watch_refusal_min,
		.tz_offset_min = (int)cfg->tz_offset_min,
	};
}

void cli_guide_settings(const yc_config *cfg, struct guide_ctx *guide)
{
	*guide = (struct guide_ctx){
		.min_score = (double)cfg->guide_min_score / 100,
		.answers = (int)cfg->guide_answers,
		.tz_offset_min = (int)cfg->tz_offset_min,
	};
	snprintf(guide->desk, sizeof(guide->desk), "%s", cfg->guide_desk);
	guide_ctx_init(guide);
}

void cli_settings_apply(const yc_config *cfg, calendar *cal, struct case_ctx *cases,
			struct hall_ctx *hall, struct review_ctx *reviews, struct cert_ctx *certs)
{
	case_settings(cfg, cal, cases);
	hall_settings(cfg, cal, hall);
	review_settings(cfg, cases, reviews);
	cert_settings(cfg, certs);
	/* a decided case or run invites its applicant to rate it (an SMS, with public-url) */
	cases->decided = review_invite;
	cases->decided_arg = reviews;
	/* an approved case or run issues the certificate its item or process is bound to */
	cases->approved = approved;
	cases->approved_arg = certs;
	/* and a certificate the district issued stands for the paper an item asks for (免提交) */
	cases->material_cert = cert_material_attach;
	cases->material_cert_arg = certs;
}

/*
 * The cases' kept figures counted again in one transaction, with the calendar
 * and settings the server would have for this store (migrate, bulk history).
 */
int cli_case_figures_rebuild(db *d, int64_t *counted, yc_err *err)
{
	yc_config cfg;
	yc_config_defaults(&cfg);
	calendar *cal = calendar_new();
	if (!cal)
		return yc_err_set(err, YC_ENOMEM, NULL, NULL);
	struct case_ctx cases;
	int rc = yc_config_load_env(&cfg, err);
	if (!rc && !(rc = calendar_set_hours(cal, cfg.work_hours, err)) &&
	    !(rc = calendar_load_db(cal, d, err)) && !(rc = db_begin(d, err))) {
		case_settings(&cfg, cal, &cases);
		rc = case_figures_rebuild(d, &cases, counted, err);
		if (!rc)
			rc = db_commit(d, err);
		else
			db_rollback(d);
	}
	calendar_free(cal);
	return rc;
}

int cli_certs_open(const yc_config *cfg, struct cert_ctx *certs, bool create, yc_err *err)
{
	char path[300];
	const char *file = db_uri_path(cfg->db);
	if (cfg->keyring[0])
		snprintf(path, sizeof(path), "%s", cfg->keyring);
	else if (file)
		snprintf(path, sizeof(path), "%s.keyring", file);
	else if (mkdir("var", 0700) && errno != EEXIST)
		return yc_err_set(err, YC_EIO, "keyring", "cannot make var/: %s", strerror(errno));
	else
		snprintf(path, sizeof(path), "var/yichuang.keyring");
	int rc = cert_keyring_open(path, create, certs->passphrase, err);
	if (!rc && !certs->cache && !(certs->cache = cert_keycache_new()))
		rc = yc_err_set(err, YC_ENOMEM, NULL, NULL);
	return rc;
}

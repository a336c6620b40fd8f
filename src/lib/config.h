/*
 * config.h — the one table of settings.
 *
 * Every setting has a name, a type, a default, bounds and a secret flag in
 * config.c's table. A value comes from the default, then the environment
 * (YC_<NAME>, upper case, '-' as '_'), then the command line (--name value).
 * Nothing else in yichuang reads getenv.
 */
#ifndef YC_CONFIG_H
#define YC_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "errors.h"

typedef struct yc_config {
	char db[1024];
	char listen[128];
	char web[1024];
	char work_hours[128];
	char log_level[16];
	char region_code[8];
	char public_url[256];
	char keyring[256];
	char sms_url[256];
	char call_text[128];
	char metrics_token[128];
	int64_t threads;
	int64_t body_limit;
	int64_t header_limit;
	int64_t timeout_s;
	int64_t header_timeout_s;
	int64_t streams_per_address;
	int64_t streams_max;
	int64_t login_max_failures;
	int64_t login_max_failures_address;
	int64_t login_lock_s;
	int64_t login_max_failures_account;
	int64_t failure_budget;
	int64_t progress_max_failures;
	int64_t progress_max_failures_address;
	int64_t tickets_per_address;
	int64_t guide_log_per_address;
	int64_t registrations_per_address;
	int64_t session_ttl_s;
	int64_t session_cache_ms;
	int64_t tz_offset_min;
	int64_t batch_max;
	int64_t writers;
	int64_t job_interval_s;
	int64_t idempotency_ttl_s;
	int64_t warn_days;
	int64_t correction_days;
	int64_t case_job_interval_s;
	int64_t notify_interval_s;
	int64_t queue_fairness_s;
	int64_t max_recalls;
	int64_t checkin_before_min;
	int64_t checkin_after_min;
	int64_t slot_minutes;
	int64_t appointment_daily_limit;
	int64_t noshow_misses;
	int64_t noshow_window_days;
	int64_t noshow_days;
	int64_t review_window_days;
	int64_t review_verify_days;
	int64_t review_rectify_days;
	int64_t review_report_days;
	int64_t review_callback_percent;
	int64_t public_cache_ms;
	int64_t cert_status_hours;
	int64_t cert_key_years;
	int64_t inspection_publish_days;
	int64_t inspection_min_permille;
	int64_t leniency_days;
	char bridge_item[24];
	char bridge_department[16];
	int64_t bridge_limit_yuan;
	int64_t bridge_max_days;
	int64_t bridge_fee_rate;
	int64_t bridge_overdue_rate;
	int64_t procurement_sign_days;
	int64_t procurement_file_days;
	char procurement_department[16];
	char court_item[24];
	char court_department[16];
	char ipmed_department[16];
	int64_t training_quiz_size;
	int64_t training_pass_percent;
	bool training_required;
	int64_t guide_min_score;
	int64_t guide_answers;
	char guide_desk[2];
	char fdi_items[200];
	int64_t terminal_code_minutes;
	int64_t terminal_visit_minutes;
	int64_t watch_idle_percent;
	int64_t watch_service_percent;
	int64_t watch_service_min;
	int64_t watch_queue;
	int64_t watch_wait_minutes;
	int64_t watch_rating_drop;
	int64_t watch_rating_min;
	int64_t watch_refusal_percent;
	int64_t watch_refusal_min;
	bool access_log;
	bool allow_demo;
	bool secure_cookie;
} yc_config;

void yc_config_defaults(yc_config *cfg);
/* Applies YC_* environment variables; fails naming the bad one. */
int yc_config_load_env(yc_config *cfg, yc_err *err);
/* Sets one setting by name from text; YC_ENOTFOUND for an unknown name. */
int yc_config_set(yc_config *cfg, const char *name, const char *value, yc_err *err);
/* True when name is a setting that takes no value (a boolean flag). */
bool yc_config_is_flag(const char *name);
void yc_config_usage(FILE *out);

#endif

/*
 * router.c — the route table and path matching. Patterns are literal
 * segments and {name} segments; a {name} matches one non-empty segment.
 */
#include "router.h"

#include <stdio.h>
#include <string.h>

#include "lib/banned.h"

#define KiB 1024
#define MiB (1024 * 1024)
#define PUBLIC 0 /* anyone, logged in or not: the handler checks any finer scope */

const struct yc_route yc_routes[] = {
	{M_GET, "/api/v1/health", api_health_get, .roles = PUBLIC},
	{M_GET, "/metrics", api_metrics_get, .roles = PUBLIC},

	{M_POST, "/api/v1/session", api_session_create, .roles = PUBLIC, .body_limit = 4 * KiB},
	{M_GET, "/api/v1/session", api_session_get, .roles = ROLE_SIGNED_IN},
	{M_DELETE, "/api/v1/session", api_session_delete, .roles = ROLE_SIGNED_IN},
	{M_POST, "/api/v1/users", api_users_create, .roles = PUBLIC, .body_limit = 8 * KiB},
	{M_GET, "/api/v1/users", api_users_list, .roles = ROLE_SUPERVISOR | ROLE_ADMIN},
	{M_POST, "/api/v1/users/{username}/actions/verify", api_users_verify, .roles = ROLE_CLERK,
	 .body_limit = 4 * KiB},

	{M_GET, "/api/v1/calendar", api_calendar_list, .roles = PUBLIC},
	{M_GET, "/api/v1/calendar/add-workdays", api_calendar_add_workdays, .roles = PUBLIC},
	{M_GET, "/api/v1/calendar/add-workhours", api_calendar_add_workhours, .roles = PUBLIC},
	{M_GET, "/api/v1/calendar/is-workday", api_calendar_is_workday, .roles = PUBLIC},
	{M_GET, "/api/v1/calendar/{year}", api_calendar_get, .roles = PUBLIC},
	{M_PUT, "/api/v1/calendar/{year}", api_calendar_put, .roles = ROLE_ADMIN,
	 .body_limit = 64 * KiB},

	{M_GET, "/api/v1/items", api_items_list, .roles = PUBLIC},
	{M_POST, "/api/v1/items", api_items_create, .roles = ROLE_ADMIN, .body_limit = 1 * MiB},
	{M_GET, "/api/v1/items/{code}", api_items_get, .roles = PUBLIC},
	{M_PUT, "/api/v1/items/{code}", api_items_update, .roles = ROLE_ADMIN,
	 .body_limit = 1 * MiB},
	{M_POST, "/api/v1/items/{code}/actions/retire", api_items_retire, .roles = ROLE_ADMIN},
	{M_POST, "/api/v1/items/{code}/actions/restore", api_items_restore, .roles = ROLE_ADMIN},
	{M_GET, "/api/v1/processes", api_processes_list, .roles = PUBLIC},
	{M_GET, "/api/v1/processes/{code}", api_processes_get, .roles = PUBLIC},
	{M_PUT, "/api/v1/processes/{code}", api_processes_put, .roles = ROLE_ADMIN,
	 .body_limit = 256 * KiB},
	{M_GET, "/api/v1/departments", api_departments_list, .roles = PUBLIC},
	{M_GET, "/api/v1/offices", api_offices_list, .roles = PUBLIC},
	{M_GET, "/api/v1/catalog/stats", api_catalog_stats, .roles = PUBLIC},

	{M_POST, "/api/v1/cases", api_cases_create, .roles = ROLE_APPLICANT | ROLE_CLERK,
	 .body_limit = 256 * KiB},
	{M_GET, "/api/v1/cases", api_cases_list, .roles = ROLE_ANY},
	{M_GET, "/api/v1/cases/stats", api_cases_stats, .roles = ROLE_SUPERVISOR | ROLE_ADMIN},
	{M_GET, "/api/v1/cases/{no}", api_cases_get, .roles = ROLE_ANY},
	{M_POST, "/api/v1/cases/{no}/actions/{action}", api_cases_act,
	 .roles = ROLE_APPLICANT | ROLE_CLERK | ROLE_APPROVER | ROLE_SUPERVISOR,
	 .body_limit = 256 * KiB, .body_kind = BODY_JSON_OPTIONAL},
	{M_POST, "/api/v1/process-runs", api_process_runs_create,
	 .roles = ROLE_APPLICANT | ROLE_CLERK | ROLE_BANK,
	 .body_limit = 256 * KiB},
	{M_GET, "/api/v1/process-runs", api_process_runs_list, .roles = ROLE_ANY},
	{M_GET, "/api/v1/process-runs/{no}", api_process_runs_get, .roles = ROLE_ANY},
	{M_POST, "/api/v1/process-runs/{no}/actions/{action}", api_process_runs_act,
	 .roles = ROLE_APPLICANT | ROLE_CLERK, .body_limit = 16 * KiB,
	 .body_kind = BODY_JSON_OPTIONAL},
	{M_GET, "/api/v1/process-runs/{no}/events", api_process_runs_events, .roles = ROLE_ANY},
	{M_GET, "/api/v1/cases/{no}/documents/{kind}", api_cases_document, .roles = ROLE_ANY},
	{M_GET, "/api/v1/cases/{no}/materials/{sha256}", api_cases_material, .roles = ROLE_ANY},
	{M_GET, "/api/v1/progress/{no}", api_progress_get, .roles = PUBLIC},
	{M_POST, "/api/v1/materials", api_materials_create,
	 .roles = ROLE_APPLICANT | ROLE_CLERK | ROLE_BANK,
	 .body_limit = 10 * MiB, .body_kind = BODY_RAW},
	{M_GET, "/api/v1/materials/{sha256}", api_materials_get, .roles = ROLE_ANY},
	{M_GET, "/api/v1/post-checks", api_post_checks_list,
	 .roles = ROLE_APPROVER | ROLE_SUPERVISOR},
	{M_POST, "/api/v1/post-checks/{no}/actions/complete", api_post_checks_complete,
	 .roles = ROLE_APPROVER, .body_limit = 8 * KiB},

	{M_GET, "/api/v1/hall", api_hall_get, .roles = PUBLIC},
	{M_GET, "/api/v1/hall/events", api_hall_events, .roles = PUBLIC},
	{M_GET, "/api/v1/hall/stats", api_hall_stats, .roles = ROLE_SUPERVISOR | ROLE_ADMIN},
	{M_POST, "/api/v1/windows/{no}/actions/{action}", api_windows_act, .roles = ROLE_CLERK},
	{M_POST, "/api/v1/windows/{no}/call-next", api_windows_call_next, .roles = ROLE_CLERK},
	{M_POST, "/api/v1/tickets", api_tickets_create, .roles = PUBLIC, .body_limit = 4 * KiB},
	{M_GET, "/api/v1/tickets/{id}", api_tickets_get, .roles = PUBLIC},
	{M_POST, "/api/v1/tickets/{id}/actions/{action}", api_tickets_act,
	 .roles = ROLE_CLERK | ROLE_SUPERVISOR, .body_limit = 16 * KiB,
	 .body_kind = BODY_JSON_OPTIONAL},
	{M_GET, "/api/v1/appointment-slots", api_appointment_slots, .roles = PUBLIC},
	{M_POST, "/api/v1/appointments", api_appointments_create, .roles = ROLE_APPLICANT,
	 .body_limit = 4 * KiB},
	{M_GET, "/api/v1/appointments", api_appointments_list, .roles = ROLE_APPLICANT},
	{M_POST, "/api/v1/appointments/{id}/actions/{action}", api_appointments_act,
	 .roles = PUBLIC, .body_limit = 4 * KiB, .body_kind = BODY_JSON_OPTIONAL},

	{M_POST, "/api/v1/reviews", api_reviews_create, .roles = PUBLIC, .body_limit = 16 * KiB},
	{M_GET, "/api/v1/reviews", api_reviews_list,
	 .roles = ROLE_CLERK | ROLE_APPROVER | ROLE_SUPERVISOR | ROLE_ADMIN},
	{M_GET, "/api/v1/reviews/subject", api_reviews_subject, .roles = PUBLIC},
	{M_GET, "/api/v1/reviews/link", api_reviews_link, .roles = ROLE_ANY},
	{M_GET, "/api/v1/reviews/stats", api_reviews_stats, .roles = PUBLIC},
	{M_GET, "/api/v1/reviews/rectified", api_reviews_public_bad, .roles = PUBLIC},
	{M_GET, "/api/v1/reviews/mine", api_reviews_mine, .roles = ROLE_CLERK | ROLE_APPROVER},
	{M_GET, "/api/v1/reviews/export", api_reviews_export, .roles = ROLE_SUPERVISOR | ROLE_ADMIN},
	{M_GET, "/api/v1/windows/{no}/rating-key", api_windows_rating_key, .roles = ROLE_CLERK},
	{M_GET, "/api/v1/review-orders", api_review_orders_list,
	 .roles = ROLE_CLERK | ROLE_APPROVER | ROLE_SUPERVISOR | ROLE_APPLICANT},
	{M_GET, "/api/v1/review-orders/{id}", api_review_orders_get,
	 .roles = ROLE_CLERK | ROLE_APPROVER | ROLE_SUPERVISOR | ROLE_APPLICANT},
	{M_POST, "/api/v1/review-orders/{id}/actions/{action}", api_review_orders_act,
	 .roles = ROLE_CLERK | ROLE_APPROVER | ROLE_SUPERVISOR | ROLE_APPLICANT,
	 .body_limit = 16 * KiB, .body_kind = BODY_JSON_OPTIONAL},
	{M_GET, "/api/v1/review-callbacks", api_review_callbacks_list,
	 .roles = ROLE_CLERK | ROLE_APPROVER | ROLE_SUPERVISOR},
	{M_POST, "/api/v1/review-callbacks/{id}/actions/{action}", api_review_callbacks_act,
	 .roles = ROLE_CLERK | ROLE_APPROVER | ROLE_SUPERVISOR, .body_limit = 8 * KiB,
	 .body_kind = BODY_JSON_OPTIONAL},
	{M_POST, "/api/v1/review-visits", api_review_visits_create,
	 .roles = ROLE_MONITOR | ROLE_ASSESSOR | ROLE_SUPERVISOR, .body_limit = 64 * KiB},
	{M_GET, "/api/v1/review-visits", api_review_visits_list,
	 .roles = ROLE_MONITOR | ROLE_ASSESSOR | ROLE_SUPERVISOR},

	{M_GET, "/api/v1/certificates", api_certificates_list, .roles = ROLE_ANY},
	{M_GET, "/api/v1/certificates/trust", api_certificates_trust, .roles = PUBLIC},
	{M_GET, "/api/v1/certificates/status", api_certificates_status, .roles = PUBLIC},
	{M_GET, "/api/v1/certificates/reusable", api_certificates_reusable, .roles = ROLE_APPLICANT},
	{M_POST, "/api/v1/certificates/verify", api_certificates_verify, .roles = PUBLIC,
	 .body_limit = 32 * KiB},
	{M_GET, "/api/v1/certificates/conversions", api_certificate_conversions_list,
	 .roles = ROLE_APPROVER | ROLE_SUPERVISOR | ROLE_ADMIN},
	{M_POST, "/api/v1/certificates/conversions", api_certificate_conversions_post,
	 .roles = ROLE_APPROVER | ROLE_ADMIN, .body_limit = 1 * MiB},
	{M_GET, "/api/v1/certificates/{id}", api_certificates_get, .roles = ROLE_ANY},
	{M_GET, "/api/v1/certificates/{id}/file", api_certificates_file, .roles = ROLE_ANY},
	{M_GET, "/api/v1/certificates/{id}/qr.png", api_certificates_qr, .roles = ROLE_ANY},
	{M_GET, "/api/v1/certificates/{id}/pdf", api_certificates_pdf, .roles = ROLE_ANY},
	{M_POST, "/api/v1/certificates/{id}/actions/{action}", api_certificates_act,
	 .roles = ROLE_APPROVER | ROLE_SUPERVISOR | ROLE_ADMIN, .body_limit = 16 * KiB},
	{M_POST, "/api/v1/certificate-keys/{owner}/rotate", api_certificate_keys_rotate,
	 .roles = ROLE_ADMIN, .body_limit = 1 * KiB, .body_kind = BODY_JSON_OPTIONAL},
	{M_POST, "/api/v1/certificate-keys/{kid}/compromise", api_certificate_keys_compromise,
	 .roles = ROLE_ADMIN, .body_limit = 1 * KiB},

	{M_GET, "/api/v1/inspection/items", api_inspection_items, .roles = PUBLIC},
	{M_GET, "/api/v1/inspection/results", api_inspection_results, .roles = PUBLIC},
	{M_GET, "/api/v1/market-entities/{code}", api_market_entity_get, .roles = PUBLIC},
	{M_GET, "/api/v1/market-entities/{code}/qr.png", api_market_entity_qr, .roles = PUBLIC},
	{M_POST, "/api/v1/market-entities/{code}/credit-code", api_market_entity_credit,
	 .roles = ROLE_APPROVER | ROLE_SUPERVISOR | ROLE_ADMIN, .body_limit = 1 * KiB,
	 .body_kind = BODY_JSON_OPTIONAL},
	{M_GET, "/api/v1/inspection/draws", api_inspection_draws, .roles = PUBLIC},
	{M_GET, "/api/v1/inspection/plans/{id}/record", api_inspection_record, .roles = PUBLIC},
	{M_POST, "/api/v1/inspection/records/verify", api_inspection_verify, .roles = PUBLIC,
	 .body_limit = 8 * MiB, .body_kind = BODY_RAW},
	{M_POST, "/api/v1/inspection/rosters/{kind}", api_inspection_roster_import,
	 .roles = ROLE_APPROVER | ROLE_SUPERVISOR | ROLE_ADMIN, .body_limit = 16 * MiB,
	 .body_kind = BODY_RAW},
	{M_GET, "/api/v1/inspection/entities", api_inspection_entities,
	 .roles = ROLE_APPROVER | ROLE_SUPERVISOR | ROLE_ADMIN},
	{M_GET, "/api/v1/inspection/inspectors", api_inspection_inspectors,
	 .roles = ROLE_APPROVER | ROLE_SUPERVISOR | ROLE_ADMIN},
	{M_GET, "/api/v1/inspection/plans", api_inspection_plans_list,
	 .roles = ROLE_APPROVER | ROLE_SUPERVISOR | ROLE_ADMIN},
	{M_POST, "/api/v1/inspection/plans", api_inspection_plans_create,
	 .roles = ROLE_APPROVER | ROLE_SUPERVISOR | ROLE_ADMIN, .body_limit = 16 * KiB},
	{M_GET, "/api/v1/inspection/plans/{id}", api_inspection_plans_get,
	 .roles = ROLE_APPROVER | ROLE_SUPERVISOR | ROLE_ADMIN},
	{M_POST, "/api/v1/inspection/plans/{id}/actions/{action}", api_inspection_plans_act,
	 .roles = ROLE_APPROVER | ROLE_SUPERVISOR | ROLE_ADMIN, .body_limit = 16 * KiB,
	 .body_kind = BODY_JSON_OPTIONAL},
	{M_GET, "/api/v1/inspection/leniency", api_inspection_leniency,
	 .roles = ROLE_APPROVER | ROLE_SUPERVISOR | ROLE_ADMIN},
	{M_GET, "/api/v1/inspection/tasks", api_inspection_tasks_list, .roles = ROLE_STAFF},
	{M_POST, "/api/v1/inspection/tasks/{id}/actions/{action}", api_inspection_tasks_act,
	 .roles = ROLE_STAFF, .body_limit = 16 * KiB, .body_kind = BODY_JSON_OPTIONAL},

	{M_GET, "/api/v1/finance/fund", api_finance_fund, .roles = ROLE_STAFF},
	{M_POST, "/api/v1/finance/fund/capital", api_finance_capital,
	 .roles = ROLE_APPROVER | ROLE_ADMIN, .body_limit = 1 * KiB},
	{M_GET, "/api/v1/finance/journal", api_finance_journal,
	 .roles = ROLE_APPROVER | ROLE_SUPERVISOR | ROLE_ADMIN},
	{M_GET, "/api/v1/finance/bridge-loans", api_finance_loans_list, .roles = ROLE_ANY},
	{M_GET, "/api/v1/finance/bridge-loans/{no}", api_finance_loan_get, .roles = ROLE_ANY},
	{M_POST, "/api/v1/finance/bridge-loans/{no}/actions/{action}", api_finance_loan_act,
	 .roles = ROLE_APPROVER | ROLE_ADMIN | ROLE_BANK, .body_limit = 4 * KiB},
	{M_GET, "/api/v1/finance/statements/{code}", api_finance_statement, .roles = ROLE_ANY},
	{M_GET, "/api/v1/finance/advisory", api_finance_advisory, .roles = ROLE_STAFF},
	{M_POST, "/api/v1/finance/advisory/{kind}", api_finance_advisory_record,
	 .roles = ROLE_APPROVER | ROLE_ADMIN | ROLE_BANK, .body_limit = 4 * KiB},
	{M_GET, "/api/v1/finance/grant-schemes", api_finance_schemes, .roles = PUBLIC},
	{M_POST, "/api/v1/finance/grants/quote", api_finance_grant_quote, .roles = ROLE_ANY,
	 .body_limit = 8 * KiB},
	{M_GET, "/api/v1/finance/grants", api_finance_grants_list, .roles = ROLE_ANY},
	{M_POST, "/api/v1/finance/grants/{no}/actions/pay", api_finance_grant_pay,
	 .roles = ROLE_APPROVER | ROLE_ADMIN, .body_limit = 1 * KiB},

	{M_GET, "/api/v1/procurement/deposit", api_procurement_deposit, .roles = PUBLIC},
	{M_GET, "/api/v1/procurement/figures", api_procurement_figures, .roles = ROLE_STAFF},
	{M_GET, "/api/v1/procurement/contracts", api_procurement_list, .roles = ROLE_STAFF},
	{M_POST, "/api/v1/procurement/contracts", api_procurement_create,
	 .roles = ROLE_APPROVER | ROLE_ADMIN, .body_limit = 8 * KiB},
	{M_GET, "/api/v1/procurement/contracts/{id}", api_procurement_get, .roles = ROLE_STAFF},
	{M_POST, "/api/v1/procurement/contracts/{id}/actions/{action}", api_procurement_act,
	 .roles = ROLE_APPROVER | ROLE_ADMIN, .body_limit = 4 * KiB},

	{M_GET, "/api/v1/ip/disputes/figures", api_ipmed_figures, .roles = PUBLIC},
	{M_GET, "/api/v1/ip/disputes", api_ipmed_list,
	 .roles = ROLE_APPROVER | ROLE_SUPERVISOR | ROLE_ADMIN},
	{M_POST, "/api/v1/ip/disputes", api_ipmed_receive, .roles = ROLE_APPROVER | ROLE_ADMIN,
	 .body_limit = 8 * KiB},
	{M_POST, "/api/v1/ip/disputes/{id}/actions/{action}", api_ipmed_act,
	 .roles = ROLE_APPROVER | ROLE_ADMIN, .body_limit = 8 * KiB},
	{M_GET, "/api/v1/report/year", api_report_year, .roles = ROLE_SUPERVISOR | ROLE_ADMIN},
	{M_GET, "/api/v1/court/rules", api_court_rules, .roles = PUBLIC},
	{M_GET, "/api/v1/court/figures", api_court_figures, .roles = PUBLIC},
	{M_GET, "/api/v1/court/cases", api_court_cases_list, .roles = ROLE_ANY},
	{M_GET, "/api/v1/court/cases/{no}", api_court_case_get, .roles = ROLE_ANY},
	{M_POST, "/api/v1/court/cases/{no}/actions/{action}", api_court_case_act,
	 .roles = ROLE_APPROVER | ROLE_ADMIN, .body_limit = 2 * KiB},
	{M_POST, "/api/v1/court/cases/{no}/elements", api_court_case_elements,
	 .roles = ROLE_APPLICANT | ROLE_APPROVER | ROLE_ADMIN, .body_limit = 8 * KiB},
	{M_GET, "/api/v1/tax/indicators", api_tax_indicators, .roles = PUBLIC},
	{M_POST, "/api/v1/terminal/codes", api_terminal_codes, .roles = ROLE_TERMINAL,
	 .body_limit = 4 * KiB},
	{M_POST, "/api/v1/terminal/codes/{id}/verify", api_terminal_verify, .roles = ROLE_TERMINAL,
	 .body_limit = 4 * KiB},
	{M_GET, "/api/v1/terminal/visits/{id}", api_terminal_visit, .roles = ROLE_TERMINAL},
	{M_POST, "/api/v1/terminal/visits/{id}/prints", api_terminal_print, .roles = ROLE_TERMINAL,
	 .body_limit = 4 * KiB},
	{M_GET, "/api/v1/terminal/prints/{token}", api_terminal_print_get, .roles = ROLE_TERMINAL},
	{M_POST, "/api/v1/terminal/visits/{id}/appointments", api_terminal_appointment,
	 .roles = ROLE_TERMINAL, .body_limit = 4 * KiB},
	{M_POST, "/api/v1/terminal/visits/{id}/reviews", api_terminal_review, .roles = ROLE_TERMINAL,
	 .body_limit = 16 * KiB},
	{M_POST, "/api/v1/terminal/visits/{id}/actions/end", api_terminal_end,
	 .roles = ROLE_TERMINAL},
	{M_POST, "/api/v1/terminal/visits/{id}/materials", api_terminal_material,
	 .roles = ROLE_TERMINAL, .body_limit = 10 * MiB, .body_kind = BODY_RAW},
	{M_POST, "/api/v1/terminal/visits/{id}/cases", api_terminal_apply, .roles = ROLE_TERMINAL,
	 .body_limit = 256 * KiB},
	{M_GET, "/api/v1/watch/alerts", api_watch_alerts, .roles = ROLE_SUPERVISOR | ROLE_ADMIN},
	{M_POST, "/api/v1/watch/run", api_watch_run, .roles = ROLE_SUPERVISOR | ROLE_ADMIN},
	{M_POST, "/api/v1/watch/alerts/{id}/actions/{action}", api_watch_act,
	 .roles = ROLE_SUPERVISOR | ROLE_ADMIN, .body_limit = 8 * KiB,
	 .body_kind = BODY_JSON_OPTIONAL},
	{M_GET, "/api/v1/negative-list", api_fdi_editions, .roles = PUBLIC},
	{M_GET, "/api/v1/negative-list/{edition}", api_fdi_edition, .roles = PUBLIC},
	{M_POST, "/api/v1/negative-list/check", api_fdi_check, .roles = PUBLIC,
	 .body_limit = 4 * KiB},
	{M_POST, "/api/v1/guide/ask", api_guide_ask, .roles = PUBLIC, .body_limit = 4 * KiB},
	{M_GET, "/api/v1/guide/unanswered", api_guide_unanswered,
	 .roles = ROLE_SUPERVISOR | ROLE_ADMIN},
	{M_GET, "/api/v1/guide/synonyms", api_guide_synonyms_get,
	 .roles = ROLE_SUPERVISOR | ROLE_ADMIN},
	{M_PUT, "/api/v1/guide/synonyms", api_guide_synonyms_put, .roles = ROLE_ADMIN,
	 .body_limit = 1 * MiB},
	{M_GET, "/api/v1/training/categories", api_training_categories, .roles = ROLE_STAFF},
	{M_POST, "/api/v1/training/quizzes", api_training_quiz_draw,
	 .roles = ROLE_CLERK | ROLE_APPROVER | ROLE_SUPERVISOR | ROLE_ADMIN, .body_limit = 1 * KiB},
	{M_POST, "/api/v1/training/quizzes/{id}/answers", api_training_quiz_answer,
	 .roles = ROLE_CLERK | ROLE_APPROVER | ROLE_SUPERVISOR | ROLE_ADMIN, .body_limit = 16 * KiB},
	{M_GET, "/api/v1/training/record", api_training_record, .roles = ROLE_STAFF},
	{M_GET, "/api/v1/training/questions", api_training_questions,
	 .roles = ROLE_SUPERVISOR | ROLE_ADMIN},

	{M_GET, "/api/v1/audit/verify", api_audit_verify, .roles = ROLE_ADMIN | ROLE_SUPERVISOR},

	{M_GET, "/api/v1/events", api_events_get, .roles = PUBLIC},
};
const size_t yc_nroutes = sizeof(yc_routes) / sizeof(yc_routes[0]);

const char *router_method_name(int method)
{
	switch (method) {
	case M_GET: return "GET";
	case M_POST: return "POST";
	case M_PUT: return "PUT";
	case M_DELETE: return "DELETE";
	case M_PATCH: return "PATCH";
	case M_HEAD: return "HEAD";
	}
	return "?";
}

/* Matches path against pattern; fills params on success. */
static bool route_matches(const char *pattern, const char *path, yc_req *r)
{
	int np = 0;
	const char *p = pattern, *s = path;
	while (*p && *s) {
		if (*p == '{') {
			const char *close = strchr(p, '}');
			const char *seg_end = strchr(s, '/');
			size_t len = seg_end ? (size_t)(seg_end - s) : strlen(s);
			if (!close || len == 0 || np == YC_MAX_PARAMS ||
			    len >= sizeof(r->params[0]))
				return false;
			if (r) {
				memcpy(r->params[np], s, len);
				r->params[np][len] = '\0';
			}
			np++;
			p = close + 1;
			s += len;
			continue;
		}
		if (*p != *s)
			return false;
		p++, s++;
	}
	return *p == '\0' && *s == '\0';
}

int router_match(int method, const char *path, yc_req *r)
{
	bool other_method = false;
	for (size_t i = 0; i < yc_nroutes; i++) {
		if (!route_matches(yc_routes[i].pattern, path, NULL))
			continue;
		int m = method == M_HEAD ? M_GET : method;
		if (yc_routes[i].method != m) {
			other_method = true;
			continue;
		}
		route_matches(yc_routes[i].pattern, path, r);
		return (int)i;
	}
	return other_method ? YC_EMETHOD : YC_ENOTFOUND;
}

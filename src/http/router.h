/*
 * router.h — the one route table: method, path pattern, handler, roles,
 * body limit. A new endpoint is one row here, one handler, one test.
 */
#ifndef YC_ROUTER_H
#define YC_ROUTER_H

#include <stddef.h>

#include "http/http.h"

typedef int (*yc_handler)(yc_req *r);

enum yc_method { M_GET = 1, M_POST = 2, M_PUT = 4, M_DELETE = 8, M_PATCH = 16, M_HEAD = 32 };

struct yc_route {
	int method;
	const char *pattern; /* "/api/v1/items/{code}" */
	yc_handler handler;
	int roles;	   /* 0: public; else a mask of ROLE_* bits */
	size_t body_limit; /* 0: no body; else a JSON body is required, at most this many bytes */
	int body_kind;	   /* BODY_JSON (the default), BODY_JSON_OPTIONAL or BODY_RAW */
};

/* How a route takes its body (up to body_limit bytes). */
enum { BODY_JSON = 0, BODY_JSON_OPTIONAL = 1, BODY_RAW = 2 };

extern const struct yc_route yc_routes[];
extern const size_t yc_nroutes;
/* Metrics slots past the table for requests that match no route. */
enum { YC_ROUTE_STATIC = -1, YC_ROUTE_NONE = -2 };

/*
 * Finds the route for method and path, filling r->params. Returns its index,
 * YC_ENOTFOUND when no pattern matches, YC_EMETHOD when one matches another method.
 */
int router_match(int method, const char *path, yc_req *r);
const char *router_method_name(int method);

/* Handlers, one file per resource. */
int api_health_get(yc_req *r);
int api_metrics_get(yc_req *r);
int api_session_create(yc_req *r);
int api_session_get(yc_req *r);
int api_session_delete(yc_req *r);
int api_users_create(yc_req *r);
int api_users_list(yc_req *r);
int api_users_verify(yc_req *r);
int api_calendar_list(yc_req *r);
int api_calendar_get(yc_req *r);
int api_calendar_put(yc_req *r);
int api_calendar_add_workdays(yc_req *r);
int api_calendar_is_workday(yc_req *r);
int api_calendar_add_workhours(yc_req *r);
int api_processes_list(yc_req *r);
int api_processes_get(yc_req *r);
int api_processes_put(yc_req *r);
int api_process_runs_create(yc_req *r);
int api_process_runs_list(yc_req *r);
int api_process_runs_get(yc_req *r);
int api_process_runs_act(yc_req *r);
int api_process_runs_events(yc_req *r);
int api_items_list(yc_req *r);
int api_items_get(yc_req *r);
int api_items_create(yc_req *r);
int api_items_update(yc_req *r);
int api_items_retire(yc_req *r);
int api_items_restore(yc_req *r);
int api_departments_list(yc_req *r);
int api_offices_list(yc_req *r);
int api_catalog_stats(yc_req *r);
int api_cases_create(yc_req *r);
int api_cases_list(yc_req *r);
int api_cases_stats(yc_req *r);
int api_cases_get(yc_req *r);
int api_cases_act(yc_req *r);
int api_cases_document(yc_req *r);
int api_progress_get(yc_req *r);
int api_materials_create(yc_req *r);
int api_materials_get(yc_req *r);
int api_cases_material(yc_req *r);
/*
 * Where QR codes point (cases.c): --public-url, or on a loopback server the
 * request's Host when it names this machine; else YC_EUNAVAIL.
 */
enum { YC_PUBLIC_URL_MAX = 300 };
int api_public_url(yc_req *r, char *out, size_t size);
int api_reviews_create(yc_req *r);
int api_reviews_subject(yc_req *r);
int api_reviews_link(yc_req *r);
int api_reviews_list(yc_req *r);
int api_reviews_stats(yc_req *r);
int api_reviews_public_bad(yc_req *r);
int api_reviews_mine(yc_req *r);
int api_reviews_export(yc_req *r);
int api_windows_rating_key(yc_req *r);
int api_review_orders_list(yc_req *r);
int api_review_orders_get(yc_req *r);
int api_review_orders_act(yc_req *r);
int api_review_callbacks_list(yc_req *r);
int api_review_callbacks_act(yc_req *r);
int api_review_visits_create(yc_req *r);
int api_review_visits_list(yc_req *r);
int api_post_checks_list(yc_req *r);
int api_post_checks_complete(yc_req *r);
int api_hall_get(yc_req *r);
int api_hall_events(yc_req *r);
int api_hall_stats(yc_req *r);
int api_windows_act(yc_req *r);
int api_windows_call_next(yc_req *r);
int api_tickets_create(yc_req *r);
int api_tickets_get(yc_req *r);
int api_tickets_act(yc_req *r);
int api_appointment_slots(yc_req *r);
int api_appointments_create(yc_req *r);
int api_appointments_list(yc_req *r);
int api_appointments_act(yc_req *r);
int api_certificates_list(yc_req *r);
int api_certificates_trust(yc_req *r);
int api_certificates_status(yc_req *r);
int api_certificates_verify(yc_req *r);
int api_certificates_reusable(yc_req *r);
int api_certificates_get(yc_req *r);
int api_certificates_file(yc_req *r);
int api_certificates_qr(yc_req *r);
int api_certificates_pdf(yc_req *r);
int api_certificates_act(yc_req *r);
int api_certificate_conversions_list(yc_req *r);
int api_certificate_conversions_post(yc_req *r);
int api_certificate_keys_rotate(yc_req *r);
int api_certificate_keys_compromise(yc_req *r);
int api_audit_verify(yc_req *r);
int api_events_get(yc_req *r);
/* Streams the outbox's events of these topics (and object prefix) to r, replaying from Last-Event-ID. */
int api_events_stream(yc_req *r, unsigned topics, const char *prefix);

/* 双随机、一公开 (api/inspections.c) */
int api_procurement_deposit(yc_req *r);
int api_procurement_figures(yc_req *r);
int api_procurement_list(yc_req *r);
int api_procurement_create(yc_req *r);
int api_procurement_get(yc_req *r);
int api_procurement_act(yc_req *r);
int api_tax_indicators(yc_req *r);
int api_report_year(yc_req *r);
int api_ipmed_figures(yc_req *r);
int api_ipmed_list(yc_req *r);
int api_ipmed_receive(yc_req *r);
int api_ipmed_act(yc_req *r);
int api_court_rules(yc_req *r);
int api_court_figures(yc_req *r);
int api_court_cases_list(yc_req *r);
int api_court_case_get(yc_req *r);
int api_court_case_act(yc_req *r);
int api_court_case_elements(yc_req *r);
int api_terminal_codes(yc_req *r);
int api_terminal_verify(yc_req *r);
int api_terminal_visit(yc_req *r);
int api_terminal_print(yc_req *r);
int api_terminal_print_get(yc_req *r);
int api_terminal_appointment(yc_req *r);
int api_terminal_review(yc_req *r);
int api_terminal_end(yc_req *r);
int api_terminal_material(yc_req *r);
int api_terminal_apply(yc_req *r);
int api_watch_alerts(yc_req *r);
int api_watch_run(yc_req *r);
int api_watch_act(yc_req *r);
int api_fdi_editions(yc_req *r);
int api_fdi_edition(yc_req *r);
int api_fdi_check(yc_req *r);
int api_guide_ask(yc_req *r);
int api_guide_unanswered(yc_req *r);
int api_guide_synonyms_get(yc_req *r);
int api_guide_synonyms_put(yc_req *r);
int api_training_categories(yc_req *r);
int api_training_quiz_draw(yc_req *r);
int api_training_quiz_answer(yc_req *r);
int api_training_record(yc_req *r);
int api_training_questions(yc_req *r);
int api_finance_fund(yc_req *r);
int api_finance_capital(yc_req *r);
int api_finance_journal(yc_req *r);
int api_finance_loans_list(yc_req *r);
int api_finance_loan_get(yc_req *r);
int api_finance_loan_act(yc_req *r);
int api_finance_statement(yc_req *r);
int api_finance_schemes(yc_req *r);
int api_finance_advisory(yc_req *r);
int api_finance_advisory_record(yc_req *r);
int api_finance_grant_quote(yc_req *r);
int api_finance_grants_list(yc_req *r);
int api_finance_grant_pay(yc_req *r);
int api_inspection_items(yc_req *r);
int api_inspection_results(yc_req *r);
int api_market_entity_get(yc_req *r);
int api_market_entity_qr(yc_req *r);
int api_market_entity_credit(yc_req *r);
int api_inspection_draws(yc_req *r);
int api_inspection_record(yc_req *r);
int api_inspection_verify(yc_req *r);
int api_inspection_roster_import(yc_req *r);
int api_inspection_entities(yc_req *r);
int api_inspection_inspectors(yc_req *r);
int api_inspection_plans_list(yc_req *r);
int api_inspection_plans_get(yc_req *r);
int api_inspection_plans_create(yc_req *r);
int api_inspection_plans_act(yc_req *r);
int api_inspection_leniency(yc_req *r);
int api_inspection_tasks_list(yc_req *r);
int api_inspection_tasks_act(yc_req *r);

#endif

/*
 * ids.h — national identifiers and how they are shown.
 *
 * Resident identity number (GB 11643): 17 digits (area, birth date, order)
 * and a check character "10X98765432"[Σ(aᵢ·wᵢ) mod 11], wᵢ = 7,9,10,5,8,4,2,
 * 1,6,3,7,9,10,5,8,4,2. Unified social credit code (GB 32100): 18
 * characters of "0123456789ABCDEFGHJKLMNPQRTUWXY", weights 3^(i−1) mod 31,
 * check = charset[(31 − Σ mod 31) mod 31].
 * Masking keeps only what a clerk needs to match a person at the window.
 */
#ifndef YC_IDS_H
#define YC_IDS_H

#include <stdbool.h>
#include <stddef.h>

/* The check character for the first 17 characters, or 0 if they are not valid. */
char ids_resident_check(const char *first17);
char ids_uscc_check(const char *first17);
/* Full validation: length, alphabet, birth date (resident), check character. */
bool ids_resident_valid(const char *s);
bool ids_uscc_valid(const char *s);
/* Mainland mobile number: 11 digits starting with 1. */
bool ids_phone_valid(const char *s);

/* "110105********123X": first 6 and last 4 kept; other lengths keep 1 + 1. */
void ids_mask_id(const char *s, char *out, size_t size);
/* "138****5678". */
void ids_mask_phone(const char *s, char *out, size_t size);
/*
 * The one place a personal value is masked by its type: "id_number" and
 * "phone" as above; false (out untouched) for a type that is not personal.
 */
bool ids_mask_typed(const char *type, const char *s, char *out, size_t size);

#endif

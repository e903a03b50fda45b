/*
 * The SARIF 2.1.0 report (OASIS Static Analysis Results Interchange
 * Format), for code-scanning dashboards and ticket systems that read it.
 *
 * One log, one run, whatever the number of bundles: tool.driver.rules
 * lists every rule in force (r->rules; id, a PascalCase name, the title
 * as shortDescription, fullDescription, the fix as help, the first http
 * reference as helpUri, the default level); each finding is a result
 * (ruleId, ruleIndex, level error/warning/note, the message) located in
 * its evidence: the member of the bundle as a relative URI reference
 * (percent-encoded, '/'-separated) against a uriBaseId naming the bundle
 * (BUNDLE1, BUNDLE2, ... in originalUriBaseIds, described by the bundle's
 * path), the line as region.startLine, the registry key and value or XML
 * path as a logical location. partialFingerprints.marsdiagFinding/v1
 * identifies a finding across runs (rule, subject, where its evidence is;
 * not lines, not the bundle's name); a finding a waiver suppressed has
 * suppressions [{kind: external, justification: the waiver's reason}].
 * Bundles that could not be read and input diagnostics are tool
 * execution notifications of the run's one invocation.
 *
 * No timestamps and no absolute paths of its own, so the output of a run
 * is reproducible. Strings from bundles go through md_redactor_apply.
 */
#ifndef MARSDIAG_SARIF_H
#define MARSDIAG_SARIF_H

#include <stddef.h>
#include <stdio.h>

#include "marsdiag/engine.h"
#include "marsdiag/render.h"

#define MD_SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"

/* The format "sarif" (an md_render_fn). */
void md_write_verdicts_sarif(FILE *f, const struct md_verdict *v, size_t nv,
                             const struct md_render *r);

/* path as a URI reference: '\' becomes '/', and every byte that is not
 * unreserved or a path delimiter (space, '%', ':', non-ASCII, ...) is
 * percent-encoded. Writes at most outlen bytes including the NUL;
 * returns the length needed (like snprintf). */
size_t md_sarif_uri(const char *path, char *out, size_t outlen);

#endif

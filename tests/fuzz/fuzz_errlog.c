/* libFuzzer target for the engine and installer log parser (a fixed mtime, so year inference runs too): tests/fuzz/fuzz_parser.h. */
#include "fuzz_parser.h"

extern const struct md_parser md_parser_errlog;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_parse(&md_parser_errlog, "fuzz.errlog", data, size, 1735804800);
}

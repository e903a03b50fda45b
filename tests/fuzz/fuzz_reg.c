/* libFuzzer target for the reg parser (.reg exports): tests/fuzz/fuzz_parser.h. */
#include "fuzz_parser.h"

extern const struct md_parser md_parser_reg;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_parse(&md_parser_reg, "fuzz.reg", data, size, 0);
}

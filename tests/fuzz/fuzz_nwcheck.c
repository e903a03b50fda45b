/* libFuzzer target for the network check script log parser: tests/fuzz/fuzz_parser.h. */
#include "fuzz_parser.h"

extern const struct md_parser md_parser_nwcheck;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_parse(&md_parser_nwcheck, "fuzz.log", data, size, 1735804800);
}

/* libFuzzer target for the reg query output parser: tests/fuzz/fuzz_parser.h. */
#include "fuzz_parser.h"

extern const struct md_parser md_parser_regquery;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_parse(&md_parser_regquery, "fuzz.txt", data, size, 0);
}

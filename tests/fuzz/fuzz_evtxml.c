/* libFuzzer target for the event log XML parser, on the safe libxml2 setup: tests/fuzz/fuzz_parser.h. */
#include "fuzz_parser.h"

extern const struct md_parser md_parser_evtxml;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_parse(&md_parser_evtxml, "fuzz.xml", data, size, 0);
}

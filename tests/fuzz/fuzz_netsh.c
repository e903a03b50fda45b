/* libFuzzer target for the netsh winhttp parser: tests/fuzz/fuzz_parser.h. */
#include "fuzz_parser.h"

extern const struct md_parser md_parser_netsh;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_parse(&md_parser_netsh, "fuzz_TcpIp-Info.txt", data, size, 0);
}

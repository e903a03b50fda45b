/*
 * libFuzzer target for the PowerShell capture parser
 * (tests/fuzz/fuzz_parser.h). The first byte picks the file name, since
 * pscapture reads a Get-OBMachineSetting capture, a script and a command
 * file differently; the seeds carry that byte.
 */
#include "fuzz_parser.h"

extern const struct md_parser md_parser_pscapture;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const names[] = {"fuzz.ps1", "fuzz.cmd",
                                        "Get-OBMachineSetting.txt"};
    if (size == 0)
        return 0;
    return fuzz_parse(&md_parser_pscapture, names[data[0] % 3], data + 1,
                      size - 1, 0);
}

/*
 * Text decoding throughput (bench/README.md, "End-to-end benchmark"): reads
 * one file into memory and runs md_decode() over it in 64 KiB pieces, as
 * the pipeline does, into a buffer that is reset after each piece. Prints
 * the median of RUNS passes in GB/s of input bytes (10^9 bytes per second),
 * so the figure for a UTF-16LE file counts its two-byte code units.
 *
 *   decbench FILE [RUNS]
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "marsdiag/decode.h"

#define PIECE (64 * 1024)

static double
now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int
main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: decbench FILE [RUNS]\n");
        return 2;
    }
    int runs = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 7;
    if (runs < 1 || runs > 100)
        runs = 7;
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *data = malloc((size_t)size);
    if (!data || fread(data, 1, (size_t)size, f) != (size_t)size) {
        fprintf(stderr, "decbench: cannot read %s\n", argv[1]);
        return 2;
    }
    fclose(f);

    size_t bom = 0;
    enum md_encoding enc = md_encoding_detect(data, (size_t)size, &bom);
    double secs[100];
    size_t out_bytes = 0;
    struct md_buf out = {0};
    for (int r = 0; r < runs; r++) {
        struct md_decoder dec;
        md_decoder_init(&dec, enc);
        out_bytes = 0;
        double t0 = now();
        for (size_t pos = bom; pos < (size_t)size; pos += PIECE) {
            size_t n = (size_t)size - pos < PIECE ? (size_t)size - pos : PIECE;
            md_decode(&dec, data + pos, n, pos + n == (size_t)size, &out);
            out_bytes += out.len;
            md_buf_reset(&out);
        }
        secs[r] = now() - t0;
    }
    qsort(secs, (size_t)runs, sizeof secs[0], cmp_double);
    double med = secs[runs / 2];
    printf("%s\t%ld\t%zu\t%.3f\t%.2f\n", md_encoding_str(enc), size,
           out_bytes, med * 1000, (double)size / med / 1e9);
    md_buf_free(&out);
    free(data);
    return 0;
}

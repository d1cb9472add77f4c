#pragma once

// What the fuzzers share: the input split into the text fields a parser
// takes, and a property check that aborts. libFuzzer reports an abort with
// the input that caused it; so does the replay driver (replay.cpp) in the
// normal build.

#include <QByteArray>
#include <QList>
#include <QString>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace Fuzz {

// The input as count parts: its first count - 1 lines, then the rest
// (newlines and all); parts past the end are empty. Seeds stay readable.
inline QList<QByteArray> parts(const uint8_t *data, size_t size, int count)
{
    const QByteArray input(reinterpret_cast<const char *>(data), qsizetype(size));
    QList<QByteArray> result;
    qsizetype from = 0;
    for (int i = 0; i < count - 1; ++i) {
        const qsizetype newline = from <= input.size() ? input.indexOf('\n', from) : -1;
        if (newline < 0) {
            result << input.mid(from);
            from = input.size() + 1;
        } else {
            result << input.mid(from, newline - from);
            from = newline + 1;
        }
    }
    result << (from <= input.size() ? input.mid(from) : QByteArray());
    return result;
}

[[noreturn]] inline void fail(const char *property, const QString &detail)
{
    std::fprintf(stderr, "fuzz property violated: %s\n  %s\n", property, qUtf8Printable(detail));
    std::abort();
}

} // namespace Fuzz

// Aborts with the property's text and detail (a QString) when it does not hold.
#define FUZZ_CHECK(property, detail)                                                                         \
    do {                                                                                                     \
        if (!(property))                                                                                     \
            Fuzz::fail(#property, detail);                                                                   \
    } while (false)
